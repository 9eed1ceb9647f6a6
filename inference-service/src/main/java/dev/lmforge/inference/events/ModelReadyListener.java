package dev.lmforge.inference.events;

import dev.lmforge.api.v1.ModelReady;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.inference.service.ModelRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Every replica loads every new model that is neither a tuning trial nor a study's job: each one consumes model.ready in
 * a consumer group of its own (see application.properties). A model announced twice loads once.
 */
@ApplicationScoped
public class ModelReadyListener {

    private static final Logger LOG = Logger.getLogger(ModelReadyListener.class);

    private final ModelRegistry registry;

    public ModelReadyListener(ModelRegistry registry) {
        this.registry = registry;
    }

    void restoreEndpoints(@Observes StartupEvent start) {
        try {
            registry.restore();
        } catch (RuntimeException e) {
            LOG.warnf("could not restore the endpoints from S3 (%s); they come back with the next model.ready or SetEndpointModel", e.getMessage());
        }
    }

    @Incoming("model-ready")
    @Blocking
    public void onModelReady(ModelReady event) {
        if (event == null) {
            LOG.warn("skipped a model.ready record that is not a valid ModelReady message");
            return;
        }
        // Trials and a study's jobs are candidates: their many models are not served until someone picks one.
        String experiment = !event.getTuningJobName().isEmpty() ? "tuning job " + event.getTuningJobName()
                : !event.getStudyName().isEmpty() ? "study " + event.getStudyName() : "";
        if (!experiment.isEmpty()) {
            LOG.infof("model %s belongs to %s: not loaded (serve it with SetEndpointModel)", event.getTrainingJobName(), experiment);
            return;
        }
        try {
            registry.loadAndPromote(event.getTrainingJobName());
        } catch (LmForgeException e) {
            LOG.warnf("model %s not served: %s", event.getTrainingJobName(), e.getMessage());
        }
    }
}
