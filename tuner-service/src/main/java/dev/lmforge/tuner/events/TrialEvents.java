package dev.lmforge.tuner.events;

import dev.lmforge.api.v1.ModelReady;
import dev.lmforge.api.v1.TrainingProgress;
import dev.lmforge.common.events.EventConsumer;
import dev.lmforge.common.events.ProtoEventDeserializer;
import dev.lmforge.common.naming.ResourceNames;
import dev.lmforge.tuner.service.TuningEngine;
import dev.lmforge.tuner.service.TuningJobGauges;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * What moves tuning jobs on: a trial's progress (an epoch ended: the median rule may stop it) and
 * its model.ready (a slot is free) wake its tuning job at once; a regular tick catches the rest. An
 * event with an invalid job name goes to the dead-letter topic. A trial's events name its tenant in
 * caused_by (checked by the consumer), and wake only that tenant's tuning job of that name.
 */
@ApplicationScoped
public class TrialEvents {

    private static final Logger LOG = Logger.getLogger(TrialEvents.class);

    private static final ProtoEventDeserializer<ModelReady> MODEL_READY = new ProtoEventDeserializer<>(ModelReady.getDefaultInstance());
    private static final ProtoEventDeserializer<TrainingProgress> PROGRESS = new ProtoEventDeserializer<>(TrainingProgress.getDefaultInstance());

    private final TuningEngine engine;
    private final EventConsumer consumer;
    private final TuningJobGauges gauges;

    public TrialEvents(TuningEngine engine, EventConsumer consumer, TuningJobGauges gauges) {
        this.engine = engine;
        this.consumer = consumer;
        this.gauges = gauges;
    }

    void restore(@Observes StartupEvent start) {
        try {
            engine.restore();
        } catch (RuntimeException e) {
            LOG.warnf("could not restore the running tuning jobs from S3 (%s); the next tick tries again", e.getMessage());
        }
    }

    @Scheduled(every = "${lmforge.tuner.tick-interval:2s}", delayed = "3s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        engine.advanceAll();
        gauges.refresh(engine.running());
    }

    @Incoming("model-ready")
    public Uni<Void> onModelReady(Message<byte[]> record) {
        return consumer.consume(record, MODEL_READY, event -> wake(event.getCausedBy().getTenant(), event.getTrainingJobName(), event.getTuningJobName()));
    }

    @Incoming("training-progress")
    public Uni<Void> onProgress(Message<byte[]> record) {
        return consumer.consume(record, PROGRESS, progress -> {
            if (progress.getMetricsCount() > 0) {
                wake(progress.getCausedBy().getTenant(), progress.getTrainingJobName(), progress.getTuningJobName());
            }
        });
    }

    /** Events of jobs outside tuning (no tuning job name) and of tuning jobs that ended are normal: they wake nothing. */
    private void wake(String tenant, String trainingJobName, String tuningJobName) {
        ResourceNames.requireValid("training job name", trainingJobName);
        if (!tuningJobName.isEmpty()) {
            engine.onTrialEvent(tenant, ResourceNames.requireValid("tuning job name", tuningJobName));
        }
    }
}
