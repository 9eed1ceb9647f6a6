package dev.lmforge.cli.tuning;

import dev.lmforge.api.v1.StopTuningJobRequest;
import dev.lmforge.api.v1.TuningServiceGrpc;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a tuning job and its running trials.")
public class TuneStopCommand implements Runnable {

    @GrpcClient("tuner")
    TuningServiceGrpc.TuningServiceBlockingStub tuning;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public void run() {
        tuning.stopTuningJob(StopTuningJobRequest.newBuilder().setTuningJobName(name).build());
        System.out.println("stopping tuning job " + name);
    }
}
