package dev.lmforge.cli.serving;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.InferenceServiceGrpc;
import dev.lmforge.api.v1.ListModelsRequest;
import dev.lmforge.api.v1.ListModelsResponse;
import dev.lmforge.api.v1.Model;
import dev.lmforge.cli.support.Output;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;

import java.util.stream.Collectors;
import picocli.CommandLine.Mixin;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Endpoints, then every model version the service knows with its state.")
public class EndpointsListCommand implements Runnable {

    @GrpcClient("inference")
    InferenceServiceGrpc.InferenceServiceBlockingStub inference;

    @Mixin
    Output output;

    @Override
    public void run() {
        ListModelsResponse r = inference.listModels(ListModelsRequest.getDefaultInstance());
        if (output.json()) {
            Output.printJson(r);
            return;
        }
        System.out.printf("%-24s %-36s %s%n", "ENDPOINT", "MODEL", "CANARY");
        for (Endpoint e : r.getEndpointsList()) {
            System.out.printf("%-24s %-36s %s%n", e.getName(), e.getModelVersion(),
                    e.getCanaryModelVersion().isEmpty() ? "" : String.format("%s (%.0f %%)", e.getCanaryModelVersion(), 100 * e.getCanaryWeight()));
        }
        System.out.printf("%n%-36s %-10s %-8s %s%n", "MODEL", "STATE", "VOCAB", "METRICS");
        for (Model m : r.getModelsList()) {
            String metrics = m.getMetricsList().stream().map(x -> String.format("%s=%.3f", x.getName(), x.getValue()))
                    .collect(Collectors.joining(" "));
            System.out.printf("%-36s %-10s %-8d %s%s%n", m.getModelVersion(), m.getState().name().replace("MODEL_STATE_", ""), m.getVocabSize(),
                    metrics, m.getFailureReason().isEmpty() ? "" : " failure: " + m.getFailureReason());
        }
    }
}
