package dev.lmforge.cli.tuning;

import dev.lmforge.api.v1.ListTuningJobsRequest;
import dev.lmforge.api.v1.ListTuningJobsResponse;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.api.v1.TuningServiceGrpc;
import dev.lmforge.cli.support.Format;
import dev.lmforge.cli.support.Output;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Tuning jobs, newest first.")
public class TuneListCommand implements Runnable {

    @GrpcClient("tuner")
    TuningServiceGrpc.TuningServiceBlockingStub tuning;

    @Mixin
    Output output;

    @Override
    public void run() {
        ListTuningJobsResponse.Builder all = ListTuningJobsResponse.newBuilder();
        String token = "";
        do {
            ListTuningJobsResponse page = tuning.listTuningJobs(ListTuningJobsRequest.newBuilder().setPageSize(100).setPageToken(token).build());
            all.addAllTuningJobs(page.getTuningJobsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        if (output.json()) {
            Output.printJson(all);
            return;
        }
        System.out.printf("%-32s %-12s %-10s %8s %14s  %s%n", "TUNING JOB", "STATUS", "STRATEGY", "TRIALS", "BEST", "BEST TRIAL");
        for (TuningJob j : all.getTuningJobsList()) {
            System.out.printf("%-32s %-12s %-10s %8d %14s  %s%n", j.getSpec().getTuningJobName(), Format.status(j.getStatus()),
                    j.getSpec().getStrategy().name().replace("TUNING_STRATEGY_", "").toLowerCase(), j.getTrialsCount(),
                    j.hasBestTrial() ? String.format("%.4f", j.getBestTrial().getObjectiveValue()) : "-", j.getBestTrial().getTrainingJobName());
        }
    }
}
