package dev.lmforge.tuner.study;

import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.api.v1.TuningJobSpec;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a study asks of the other services; each call is one of their ordinary operations, in the
 * tenant of the study.
 */
public interface StudyPlatform {

    Optional<Corpus> findCorpus(String tenant, String corpusId);

    /** Ingests the original corpus's splits again, as they are, with the stop words of its language removed; blocks until done. */
    Corpus importWithoutStopwords(String tenant, Corpus original, String corpusId);

    /** A dataset in any state (a build in progress or failed included). */
    Optional<Dataset> findDataset(String tenant, String datasetId);

    /** Starts a dataset build; returns without waiting. */
    void createDataset(String tenant, String datasetId, String corpusId, TokenizerSpec tokenizer);

    Optional<TrainingJob> findTrainingJob(String tenant, String name);

    void requestTrainingJob(String tenant, TrainingJobSpec spec, Principal requestedBy);

    Optional<TuningJob> findTuningJob(String tenant, String name);

    void createTuningJob(String tenant, TuningJobSpec spec, Principal createdBy);

    /** The parameter count on a completed job's model card, when it has one. */
    OptionalLong parameters(String tenant, String trainingJobName);
}
