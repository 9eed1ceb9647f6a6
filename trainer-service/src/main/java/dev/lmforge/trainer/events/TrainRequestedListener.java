package dev.lmforge.trainer.events;

import dev.lmforge.api.v1.TrainRequested;
import dev.lmforge.trainer.service.JobRunner;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Trainers are one consumer group on train.requested: each request runs to its end inside the
 * handler, and its offset is committed only then. The connector keeps polling (with the partition
 * paused) while a job runs, so the trainer stays in its group for hours; if it dies, the request is
 * delivered again to another trainer, which resumes the job from its last checkpoint.
 */
@ApplicationScoped
public class TrainRequestedListener {

    private static final Logger LOG = Logger.getLogger(TrainRequestedListener.class);

    private final JobRunner runner;

    public TrainRequestedListener(JobRunner runner) {
        this.runner = runner;
    }

    @Incoming("train-requested")
    @Blocking
    public void onTrainRequested(TrainRequested request) throws InterruptedException {
        if (request == null) {
            LOG.warn("skipped a train.requested record that is not a valid TrainRequested message");
            return;
        }
        runner.run(request.getSpec());
    }
}
