package dev.lmforge.tuner.events;

import dev.lmforge.api.v1.ModelReady;
import dev.lmforge.api.v1.TrainingProgress;
import dev.lmforge.tuner.service.TuningEngine;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * What moves tuning jobs on: a trial's progress (an epoch ended: the median rule may stop it) and
 * its model.ready (a slot is free) wake its tuning job at once; a regular tick catches the rest.
 */
@ApplicationScoped
public class TrialEvents {

    private static final Logger LOG = Logger.getLogger(TrialEvents.class);

    private final TuningEngine engine;

    public TrialEvents(TuningEngine engine) {
        this.engine = engine;
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
    }

    @Incoming("model-ready")
    @Blocking
    public void onModelReady(ModelReady event) {
        if (event != null) {
            engine.onTrialEvent(event.getTuningJobName());
        }
    }

    @Incoming("training-progress")
    @Blocking
    public void onProgress(TrainingProgress progress) {
        if (progress != null && progress.getMetricsCount() > 0) {
            engine.onTrialEvent(progress.getTuningJobName());
        }
    }
}
