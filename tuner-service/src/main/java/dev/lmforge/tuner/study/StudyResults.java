package dev.lmforge.tuner.study;

import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.common.metrics.MetricNames;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** What a study's runs produced: the completed datasets and jobs by run id, and the tuning job. */
public record StudyResults(StudyPlan plan, Corpus corpus, Optional<Corpus> stopwordFree, Map<String, Dataset> datasets,
        Map<String, TrainingJob> jobs, Optional<TuningJob> tuning, Map<String, Long> parameters) {

    /** A final metric of a completed job ({@link MetricNames}). */
    public OptionalDouble metric(String runId, String name) {
        TrainingJob job = jobs.get(runId);
        if (job == null) {
            return OptionalDouble.empty();
        }
        return job.getFinalMetricsList().stream().filter(m -> m.getName().equals(name)).mapToDouble(Metric::getValue).findFirst();
    }

    public OptionalDouble bpc(String runId) {
        return metric(runId, MetricNames.VALIDATION_BPC);
    }
}
