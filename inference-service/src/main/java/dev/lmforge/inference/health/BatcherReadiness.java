package dev.lmforge.inference.health;

import dev.lmforge.inference.service.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while a loaded model's batcher is restarting a worker that died: its requests fail meanwhile. */
@Readiness
@ApplicationScoped
public class BatcherReadiness implements HealthCheck {

    private final ModelRegistry registry;

    public BatcherReadiness(ModelRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("batchers").up();
        registry.batcherCrashes().forEach((model, crash) -> response.down().withData(model, crash));
        return response.build();
    }
}
