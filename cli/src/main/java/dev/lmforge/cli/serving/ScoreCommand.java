package dev.lmforge.cli.serving;

import dev.lmforge.api.v1.InferenceServiceGrpc;
import dev.lmforge.api.v1.ScoreRequest;
import dev.lmforge.api.v1.ScoreResponse;
import dev.lmforge.api.v1.TokenScore;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "score", mixinStandardHelpOptions = true, description = "How likely a text is under the model: per-token log-probabilities, perplexity, bits per character.")
public class ScoreCommand implements Runnable {

    @GrpcClient("inference")
    InferenceServiceGrpc.InferenceServiceBlockingStub inference;

    @Option(names = "--endpoint", defaultValue = "default", description = "Endpoint to ask (default: ${DEFAULT-VALUE}).")
    String endpoint;

    @Parameters(paramLabel = "TEXT")
    String text;

    @Override
    public void run() {
        ScoreResponse r = inference.score(ScoreRequest.newBuilder().setEndpoint(endpoint).setText(text).build());
        for (TokenScore t : r.getTokensList()) {
            System.out.printf("  %-20s %8.3f%n", t.getToken(), t.getLogProbability());
        }
        System.out.printf("log-probability %.3f, perplexity %.1f, %.3f bits per character (model %s)%n",
                r.getTotalLogProbability(), r.getPerplexity(), r.getBitsPerCharacter(), r.getModelVersion());
    }
}
