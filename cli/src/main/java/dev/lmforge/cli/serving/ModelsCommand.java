package dev.lmforge.cli.serving;

import dev.lmforge.api.v1.InferenceServiceGrpc;
import dev.lmforge.api.v1.Model;
import dev.lmforge.api.v1.UnloadModelRequest;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "models", mixinStandardHelpOptions = true, description = "Model versions in the inference-service.", subcommands = ModelsCommand.Unload.class)
public class ModelsCommand {

    @Command(name = "unload", mixinStandardHelpOptions = true, description = "Free a version that no endpoint serves (requests in flight finish first).")
    static class Unload implements Runnable {

        @GrpcClient("inference")
        InferenceServiceGrpc.InferenceServiceBlockingStub inference;

        @Parameters(paramLabel = "VERSION")
        String version;

        @Override
        public void run() {
            Model m = inference.unloadModel(UnloadModelRequest.newBuilder().setModelVersion(version).build());
            System.out.println("model " + m.getModelVersion() + " " + m.getState().name().replace("MODEL_STATE_", "").toLowerCase());
        }
    }
}
