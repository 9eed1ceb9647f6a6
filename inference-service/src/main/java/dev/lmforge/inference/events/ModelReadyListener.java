package dev.lmforge.inference.events;

import dev.lmforge.api.v1.ModelReady;
import dev.lmforge.common.events.EventConsumer;
import dev.lmforge.common.events.ProtoEventDeserializer;
import dev.lmforge.common.naming.ResourceNames;
import dev.lmforge.inference.service.ModelRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Every replica loads every new model that is neither a tuning trial nor a study's job: each one consumes model.ready in
 * a consumer group of its own (see application.properties). A model announced twice loads once; one
 * that names no valid or no existing model goes to the dead-letter topic.
 */
@ApplicationScoped
public class ModelReadyListener {

    private static final Logger LOG = Logger.getLogger(ModelReadyListener.class);
    private static final ProtoEventDeserializer<ModelReady> DECODER = new ProtoEventDeserializer<>(ModelReady.getDefaultInstance());

    private final ModelRegistry registry;
    private final EventConsumer consumer;

    public ModelReadyListener(ModelRegistry registry, EventConsumer consumer) {
        this.registry = registry;
        this.consumer = consumer;
    }

    void restoreEndpoints(@Observes StartupEvent start) {
        try {
            registry.restore();
        } catch (RuntimeException e) {
            LOG.warnf("could not restore the endpoints from S3 (%s); they come back with the next model.ready or SetEndpointModel", e.getMessage());
        }
    }

    @Incoming("model-ready")
    public Uni<Void> onModelReady(Message<byte[]> record) {
        return consumer.consume(record, DECODER, this::handle);
    }

    void handle(ModelReady event) {
        String model = ResourceNames.requireValid("training job name", event.getTrainingJobName());
        // Trials and a study's jobs are candidates: their many models are not served until someone picks one.
        String experiment = !event.getTuningJobName().isEmpty() ? "tuning job " + event.getTuningJobName()
                : !event.getStudyName().isEmpty() ? "study " + event.getStudyName() : "";
        if (!experiment.isEmpty()) {
            LOG.infof("model %s belongs to %s: not loaded (serve it with SetEndpointModel)", model, experiment);
            return;
        }
        // The model is the tenant's whose principal announced it: read from its layout, promoted to its own default endpoint.
        registry.loadAndPromote(event.getCausedBy().getTenant(), model);
    }
}
