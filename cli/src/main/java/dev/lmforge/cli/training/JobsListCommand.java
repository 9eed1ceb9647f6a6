package dev.lmforge.cli.training;

import dev.lmforge.api.v1.ListTrainingJobsRequest;
import dev.lmforge.api.v1.ListTrainingJobsResponse;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import dev.lmforge.cli.support.Format;
import dev.lmforge.cli.support.Output;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Training jobs, newest first.")
public class JobsListCommand implements Runnable {

    @GrpcClient("trainer")
    TrainingServiceGrpc.TrainingServiceBlockingStub training;

    @Option(names = "--status", paramLabel = "InProgress|Completed|Failed|Stopping|Stopped")
    String status;

    @Option(names = "--name-contains", paramLabel = "TEXT")
    String nameContains = "";

    @Mixin
    Output output;

    @Override
    public void run() {
        ListTrainingJobsRequest.Builder request = ListTrainingJobsRequest.newBuilder().setPageSize(100).setNameContains(nameContains);
        if (status != null) {
            request.setStatusEquals(Format.parseStatus(status));
        }
        ListTrainingJobsResponse.Builder all = ListTrainingJobsResponse.newBuilder();
        String token = "";
        do {
            ListTrainingJobsResponse page = training.listTrainingJobs(request.setPageToken(token).build());
            all.addAllTrainingJobs(page.getTrainingJobsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        if (output.json()) {
            Output.printJson(all);
            return;
        }
        System.out.printf("%-40s %-24s %-12s %-20s %12s%n", "JOB", "DATASET", "STATUS", "CREATED", "VALID PPL");
        for (TrainingJob j : all.getTrainingJobsList()) {
            String ppl = j.getFinalMetricsList().stream().filter(m -> m.getName().equals("validation:perplexity"))
                    .map(Metric::getValue).map(v -> String.format("%.2f", v)).findFirst().orElse("-");
            System.out.printf("%-40s %-24s %-12s %-20s %12s%n", j.getSpec().getTrainingJobName(), j.getSpec().getDatasetId(),
                    Format.status(j.getStatus()), Format.time(j.getCreationTime()).replace(" UTC", ""), ppl);
        }
    }
}
