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

/** What a study asks of the other services; each call is one of their ordinary operations. */
public interface StudyPlatform {

    Optional<Corpus> findCorpus(String corpusId);

    /** Ingests the original corpus's splits again, as they are, with the stop words of its language removed; blocks until done. */
    Corpus importWithoutStopwords(Corpus original, String corpusId);

    /** A dataset in any state (a build in progress or failed included). */
    Optional<Dataset> findDataset(String datasetId);

    /** Starts a dataset build; returns without waiting. */
    void createDataset(String datasetId, String corpusId, TokenizerSpec tokenizer);

    Optional<TrainingJob> findTrainingJob(String name);

    void requestTrainingJob(TrainingJobSpec spec, Principal requestedBy);

    Optional<TuningJob> findTuningJob(String name);

    void createTuningJob(TuningJobSpec spec, Principal createdBy);

    /** The parameter count on a completed job's model card, when it has one. */
    OptionalLong parameters(String trainingJobName);
}
