package dev.lmforge.common.metrics;

import java.util.List;

/**
 * The names of a training job's metrics, as SageMaker names them ({@code channel:metric}). The
 * trainer reports them, the tuner optimises them and users name them in tuning objectives.
 */
public final class MetricNames {

    public static final String TRAIN_LOSS = "train:loss";
    public static final String VALIDATION_LOSS = "validation:loss";
    public static final String VALIDATION_PERPLEXITY = "validation:perplexity";
    public static final String VALIDATION_BPC = "validation:bpc";
    public static final String TEST_LOSS = "test:loss";
    public static final String TEST_PERPLEXITY = "test:perplexity";
    public static final String TEST_BPC = "test:bpc";

    /** Those reported after every epoch; the test metrics come only once the job ends. */
    public static final List<String> PER_EPOCH = List.of(TRAIN_LOSS, VALIDATION_LOSS, VALIDATION_PERPLEXITY, VALIDATION_BPC);

    /** Every final metric of a completed job, in the order the trainer reports them. */
    public static final List<String> ALL = List.of(TRAIN_LOSS, VALIDATION_LOSS, VALIDATION_PERPLEXITY, VALIDATION_BPC,
            TEST_LOSS, TEST_PERPLEXITY, TEST_BPC);

    private MetricNames() {
    }
}
