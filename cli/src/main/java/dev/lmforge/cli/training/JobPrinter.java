package dev.lmforge.cli.training;

import dev.lmforge.api.v1.EpochMetrics;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.api.v1.SecondaryStatusTransition;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.cli.support.Format;

import java.util.Map;
import java.util.TreeMap;

/** A training job as DescribeTrainingJob returns it, for a person. */
final class JobPrinter {

    private JobPrinter() {
    }

    static void print(TrainingJob job) {
        row("job", job.getSpec().getTrainingJobName());
        row("dataset", job.getSpec().getDatasetId());
        row("status", Format.status(job.getStatus()) + " / " + secondary(job.getSecondaryStatus().name())
                + (job.getFailureReason().isEmpty() ? "" : ": " + job.getFailureReason()));
        Map<String, String> hp = new TreeMap<>(job.getResolvedHyperparametersMap().isEmpty() ? job.getSpec().getHyperparametersMap() : job.getResolvedHyperparametersMap());
        row("hyperparams", hp.toString());
        if (job.getAttempt() > 1) {
            row("attempts", job.getAttempt() + " (resumed from a checkpoint)");
        }
        for (EpochMetrics m : job.getEpochsList()) {
            row("epoch " + m.getEpoch(), String.format("train loss %.4f, validation perplexity %.2f, %.4f bpc, %.0f tokens/s training, "
                    + "%.1f s evaluation, lr %.4g", m.getTrainLoss(), m.getValidationPerplexity(), m.getValidationBpc(), m.getTokensPerSecond(),
                    m.getEvaluationSeconds(), m.getLearningRate()));
        }
        for (Metric m : job.getFinalMetricsList()) {
            row(m.getName(), String.format("%.4f", m.getValue()));
        }
        if (job.hasModelLocation()) {
            row("model", "s3://" + job.getModelLocation().getBucket() + "/" + job.getModelLocation().getKey());
        }
        if (job.getTrainingTimeSeconds() > 0) {
            row("time", job.getTrainingTimeSeconds() + " s training, " + job.getBillableTimeSeconds() + " s billable");
        }
        StringBuilder history = new StringBuilder();
        for (SecondaryStatusTransition t : job.getSecondaryStatusTransitionsList()) {
            history.append(history.length() == 0 ? "" : " → ").append(secondary(t.getStatus().name()));
        }
        row("history", history.toString());
    }

    static String secondary(String enumName) {
        StringBuilder sb = new StringBuilder();
        for (String part : enumName.replace("SECONDARY_STATUS_", "").split("_")) {
            sb.append(part.charAt(0)).append(part.substring(1).toLowerCase());
        }
        return sb.toString();
    }

    private static void row(String key, String value) {
        System.out.printf("%-22s %s%n", key, value);
    }
}
