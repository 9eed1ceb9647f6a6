package dev.lmforge.cli.training;

import dev.lmforge.api.v1.StopTrainingJobRequest;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a running training job (it saves a checkpoint first).")
public class JobsStopCommand implements Runnable {

    @GrpcClient("trainer")
    TrainingServiceGrpc.TrainingServiceBlockingStub training;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public void run() {
        training.stopTrainingJob(StopTrainingJobRequest.newBuilder().setTrainingJobName(name).build());
        System.out.println("stopping training job " + name);
    }
}
