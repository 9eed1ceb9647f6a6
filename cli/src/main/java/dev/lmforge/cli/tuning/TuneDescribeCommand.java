package dev.lmforge.cli.tuning;

import dev.lmforge.api.v1.DescribeTuningJobRequest;
import dev.lmforge.api.v1.TuningServiceGrpc;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "describe", mixinStandardHelpOptions = true, description = "A tuning job: trials, best trial, parameter importance.")
public class TuneDescribeCommand implements Runnable {

    @GrpcClient("tuner")
    TuningServiceGrpc.TuningServiceBlockingStub tuning;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public void run() {
        TuningPrinter.print(tuning.describeTuningJob(DescribeTuningJobRequest.newBuilder().setTuningJobName(name).build()), System.out);
    }
}
