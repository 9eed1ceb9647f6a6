package dev.lmforge.cli.serving;

import dev.lmforge.api.v1.GenerateRequest;
import dev.lmforge.api.v1.GenerateResponse;
import dev.lmforge.api.v1.InferenceServiceGrpc;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Iterator;
import java.util.List;

@Command(name = "generate", mixinStandardHelpOptions = true, description = "Continue a prompt, streaming tokens to the terminal as they are produced.")
public class GenerateCommand implements Runnable {

    @GrpcClient("inference")
    InferenceServiceGrpc.InferenceServiceBlockingStub inference;

    @Option(names = "--endpoint", defaultValue = "default", description = "Endpoint to ask (default: ${DEFAULT-VALUE}).")
    String endpoint;

    @Option(names = "--max-tokens", defaultValue = "50", description = "Tokens at most (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.8", description = "0 is greedy; higher is more varied (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Sample from the k most likely tokens only; 0: all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1", description = "Sample from the smallest set of tokens with this much probability (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--seed", defaultValue = "0", description = "Makes a run reproducible; 0 draws one.")
    long seed;

    @Option(names = "--stop", description = "Stop once the text ends with this (repeatable).")
    List<String> stop = List.of();

    @Parameters(paramLabel = "PROMPT", arity = "0..1", defaultValue = "")
    String prompt;

    @Override
    public void run() {
        Iterator<GenerateResponse> tokens = inference.generate(GenerateRequest.newBuilder().setEndpoint(endpoint).setPrompt(prompt)
                .setMaxTokens(maxTokens).setTemperature(temperature).setTopK(topK).setTopP(topP).setSeed(seed).addAllStop(stop).build());
        System.out.print(prompt);
        System.out.flush();
        String finish = "";
        String model = "";
        int count = 0;
        while (tokens.hasNext()) {
            GenerateResponse t = tokens.next();
            System.out.print(t.getText());
            System.out.flush();
            finish = t.getFinishReason();
            model = t.getModelVersion();
            count++;
        }
        System.out.printf("%n[%d tokens, %s, model %s]%n", count, finish.isEmpty() ? "?" : finish, model);
    }
}
