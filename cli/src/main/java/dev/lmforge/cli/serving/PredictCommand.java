package dev.lmforge.cli.serving;

import dev.lmforge.api.v1.InferenceServiceGrpc;
import dev.lmforge.api.v1.PredictRequest;
import dev.lmforge.api.v1.PredictResponse;
import dev.lmforge.api.v1.TokenProbability;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", mixinStandardHelpOptions = true, description = "The most likely next tokens after a text, with their probabilities.")
public class PredictCommand implements Runnable {

    @GrpcClient("inference")
    InferenceServiceGrpc.InferenceServiceBlockingStub inference;

    @Option(names = "--endpoint", defaultValue = "default", description = "Endpoint to ask (default: ${DEFAULT-VALUE}).")
    String endpoint;

    @Option(names = "--top-k", defaultValue = "5", description = "How many tokens (default: ${DEFAULT-VALUE}).")
    int topK;

    @Parameters(paramLabel = "TEXT")
    String text;

    @Override
    public void run() {
        PredictResponse r = inference.predict(PredictRequest.newBuilder().setEndpoint(endpoint).setText(text).setTopK(topK).build());
        System.out.printf("after \"%s\" (model %s):%n", text, r.getModelVersion());
        for (TokenProbability t : r.getTokensList()) {
            System.out.printf("  %-20s %6.2f %%  %s%n", t.getToken(), 100 * t.getProbability(), "#".repeat((int) Math.round(40 * t.getProbability())));
        }
    }
}
