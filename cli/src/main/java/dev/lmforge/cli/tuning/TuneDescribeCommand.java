package dev.lmforge.cli.tuning;

import dev.lmforge.api.v1.DescribeTuningJobRequest;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.api.v1.TuningServiceGrpc;
import dev.lmforge.cli.support.Output;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "describe", mixinStandardHelpOptions = true, description = "A tuning job: trials, best trial, parameter importance.")
public class TuneDescribeCommand implements Runnable {

    @GrpcClient("tuner")
    TuningServiceGrpc.TuningServiceBlockingStub tuning;

    @Parameters(paramLabel = "NAME")
    String name;

    @Mixin
    Output output;

    @Override
    public void run() {
        TuningJob job = tuning.describeTuningJob(DescribeTuningJobRequest.newBuilder().setTuningJobName(name).build());
        if (output.json()) {
            Output.printJson(job);
        } else {
            TuningPrinter.print(job, System.out);
        }
    }
}
