package dev.lmforge.cli.training;

import dev.lmforge.api.v1.DescribeTrainingJobRequest;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingProgress;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import dev.lmforge.api.v1.WatchTrainingJobRequest;
import dev.lmforge.cli.support.CliErrors;
import dev.lmforge.cli.support.ProgressBar;

import java.util.Iterator;

/** Follows a training job's progress stream: a bar for the steps, a line per epoch, the summary at the end. */
final class Watcher {

    private Watcher() {
    }

    static int follow(io.grpc.Channel channel, TrainingServiceGrpc.TrainingServiceBlockingStub training, String name) {
        Iterator<TrainingProgress> stream = TrainingServiceGrpc.newBlockingStub(channel)
                .watchTrainingJob(WatchTrainingJobRequest.newBuilder().setTrainingJobName(name).build());
        ProgressBar bar = null;
        String lastMessage = "";
        while (stream.hasNext()) {
            TrainingProgress p = stream.next();
            if (p.getMetricsCount() > 0 && p.getMessage().startsWith("epoch")) {
                if (bar != null) {
                    bar.finish("");
                    bar = null;
                }
                System.err.printf("epoch %d: train loss %.4f, validation perplexity %.2f, %.4f bits per character, %.0f tokens/s training, "
                        + "%.1f s evaluation%n", p.getEpoch(), p.getLoss(), metric(p, "validation:perplexity"), metric(p, "validation:bpc"),
                        p.getTokensPerSecond(), p.getEvaluationSeconds());
                continue;
            }
            if (!p.getMessage().isEmpty() && !p.getMessage().equals(lastMessage)) {
                if (bar != null) {
                    bar.finish("");
                    bar = null;
                }
                System.err.println(p.getMessage());
                lastMessage = p.getMessage();
            }
            if (p.getTotalSteps() > 0) {
                if (bar == null) {
                    bar = new ProgressBar("training", p.getTotalSteps(), "steps");
                }
                bar.update(p.getStep(), String.format("epoch %d/%d  loss %.3f  %.0f tok/s  ETA %ds", p.getEpoch(), p.getTotalEpochs(),
                        p.getLoss(), p.getTokensPerSecond(), Math.round(p.getEtaSeconds())));
            }
        }
        if (bar != null) {
            bar.finish("");
        }
        TrainingJob job = training.describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(name).build());
        JobPrinter.print(job);
        return job.getStatus() == JobStatus.JOB_STATUS_COMPLETED ? 0 : CliErrors.FAILED;
    }

    private static double metric(TrainingProgress p, String name) {
        return p.getMetricsList().stream().filter(m -> m.getName().equals(name)).mapToDouble(Metric::getValue).findFirst().orElse(Double.NaN);
    }
}
