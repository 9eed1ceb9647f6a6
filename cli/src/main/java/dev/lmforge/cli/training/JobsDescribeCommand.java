package dev.lmforge.cli.training;

import dev.lmforge.api.v1.DescribeTrainingJobRequest;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "describe", mixinStandardHelpOptions = true, description = "Status, history, metrics and model of a training job.")
public class JobsDescribeCommand implements Runnable {

    @GrpcClient("trainer")
    TrainingServiceGrpc.TrainingServiceBlockingStub training;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public void run() {
        JobPrinter.print(training.describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(name).build()));
    }
}
