package dev.lmforge.cli.training;

import dev.lmforge.api.v1.DescribeTrainingJobRequest;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import dev.lmforge.cli.support.Output;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "describe", mixinStandardHelpOptions = true, description = "Status, history, metrics and model of a training job.")
public class JobsDescribeCommand implements Runnable {

    @GrpcClient("trainer")
    TrainingServiceGrpc.TrainingServiceBlockingStub training;

    @Parameters(paramLabel = "NAME")
    String name;

    @Mixin
    Output output;

    @Override
    public void run() {
        TrainingJob job = training.describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(name).build());
        if (output.json()) {
            Output.printJson(job);
        } else {
            JobPrinter.print(job);
        }
    }
}
