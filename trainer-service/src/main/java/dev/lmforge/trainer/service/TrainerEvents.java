package dev.lmforge.trainer.service;

import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TrainingProgress;

/** What the trainer announces (on Kafka in the service), each event in the tenant of its job. */
public interface TrainerEvents {

    /** Returns once the broker has the request; throws UNAVAILABLE otherwise. The job runs in the requester's tenant. */
    void trainRequested(TrainingJobSpec spec, Principal requestedBy);

    /** Records the job's model.ready as pending (in the outbox); called before the job is recorded Completed. */
    void stageModelReady(String tenant, TrainingJob completed);

    /** Sends the staged model.ready; returns once the broker has acknowledged it, throws UNAVAILABLE (it stays pending) if not. */
    void sendModelReady(String tenant, String trainingJobName);

    /** Best effort: progress is informational, a lost record is superseded by the next. */
    void progress(String tenant, TrainingProgress progress);
}
