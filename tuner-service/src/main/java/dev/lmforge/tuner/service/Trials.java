package dev.lmforge.tuner.service;

import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;

import java.util.Optional;

/**
 * The tuner's view of the other services: training jobs and datasets it reads, trials it requests and
 * stops, each in the tenant of the tuning job or study it works for.
 */
public interface Trials {

    /** A training job's record (the trainer keeps it in S3), if it exists yet. */
    Optional<TrainingJob> find(String tenant, String trainingJobName);

    /** A complete dataset; NOT_FOUND or FAILED_PRECONDITION otherwise. */
    Dataset dataset(String tenant, String datasetId);

    /** Asks the trainer whether it would run this spec: INVALID_ARGUMENT with its reason if not. */
    void check(String tenant, TrainingJobSpec spec);

    /** Requests a trial on train.requested; returns once Kafka has it. The trainer runs it in the requester's tenant. */
    void request(String tenant, TrainingJobSpec spec, Principal requestedBy);

    /** Asks the trainer to stop a running trial. */
    void stop(String tenant, String trainingJobName);
}
