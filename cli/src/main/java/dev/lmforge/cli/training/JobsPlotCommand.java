package dev.lmforge.cli.training;

import dev.lmforge.api.v1.DescribeTrainingJobRequest;
import dev.lmforge.api.v1.EpochMetrics;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import dev.lmforge.cli.support.Charts;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "plot", mixinStandardHelpOptions = true, description = "Write a job's learning curve (train and validation loss by epoch) as a PNG.")
public class JobsPlotCommand implements Runnable {

    @GrpcClient("trainer")
    TrainingServiceGrpc.TrainingServiceBlockingStub training;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Default: NAME-learning-curve.png")
    Path output;

    @Override
    public void run() {
        TrainingJob job = training.describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(name).build());
        if (job.getEpochsCount() == 0) {
            throw new IllegalStateException("training job " + name + " has no completed epoch yet");
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        double[][] train = new double[2][job.getEpochsCount()];
        double[][] valid = new double[2][job.getEpochsCount()];
        for (int i = 0; i < job.getEpochsCount(); i++) {
            EpochMetrics m = job.getEpochs(i);
            train[0][i] = valid[0][i] = m.getEpoch();
            train[1][i] = m.getTrainLoss();
            valid[1][i] = m.getValidationLoss();
        }
        series.put("train loss", train);
        series.put("validation loss", valid);
        Path file = output != null ? output : Path.of(name + "-learning-curve.png");
        try {
            Charts.lines("Learning curve of " + name, "epoch", "cross-entropy (nats per token)", series, file);
        } catch (IOException e) {
            throw new IllegalStateException("writing " + file + " failed: " + e.getMessage(), e);
        }
        System.out.println("wrote " + file.toAbsolutePath());
    }
}
