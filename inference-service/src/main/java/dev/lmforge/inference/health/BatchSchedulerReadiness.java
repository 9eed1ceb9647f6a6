package dev.lmforge.inference.health;

import dev.lmforge.inference.service.BatchScheduler;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while the batch scheduler is restarting a worker that died: requests may fail meanwhile. */
@Readiness
@ApplicationScoped
public class BatchSchedulerReadiness implements HealthCheck {

    private final BatchScheduler scheduler;

    public BatchSchedulerReadiness(BatchScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("batch-scheduler").up();
        scheduler.crash().ifPresent(crash -> response.down().withData("batch-scheduler", crash));
        return response.build();
    }
}
