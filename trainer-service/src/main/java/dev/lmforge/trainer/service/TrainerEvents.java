package dev.lmforge.trainer.service;

import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TrainingProgress;

/** What the trainer announces (on Kafka in the service). */
public interface TrainerEvents {

    /** Returns once the broker has the request; throws UNAVAILABLE otherwise. */
    void trainRequested(TrainingJobSpec spec);

    /** Returns once the broker has acknowledged model.ready; throws UNAVAILABLE otherwise. */
    void modelReady(TrainingJob job);

    /** Best effort: progress is informational, a lost record is superseded by the next. */
    void progress(TrainingProgress progress);
}
