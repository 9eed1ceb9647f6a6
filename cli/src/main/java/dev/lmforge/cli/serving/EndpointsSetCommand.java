package dev.lmforge.cli.serving;

import dev.lmforge.api.v1.DescribeTuningJobRequest;
import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.InferenceServiceGrpc;
import dev.lmforge.api.v1.SetEndpointModelRequest;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.api.v1.TuningServiceGrpc;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "set", mixinStandardHelpOptions = true,
        description = "Point an endpoint (new or existing) to a model version, optionally with a canary; switches once the versions are loaded.")
public class EndpointsSetCommand implements Runnable {

    @GrpcClient("inference")
    InferenceServiceGrpc.InferenceServiceBlockingStub inference;

    @GrpcClient("tuner")
    TuningServiceGrpc.TuningServiceBlockingStub tuning;

    @Parameters(paramLabel = "ENDPOINT")
    String name;

    @ArgGroup(multiplicity = "1")
    Version version;

    static class Version {
        @Option(names = "--model", required = true, paramLabel = "VERSION", description = "The model version: the training job that produced it.")
        String model;

        @Option(names = "--best-of", required = true, paramLabel = "TUNING_JOB", description = "The best trial of a tuning job.")
        String tuningJob;
    }

    @Option(names = "--canary", paramLabel = "VERSION", description = "A second version that takes --canary-weight of the traffic.")
    String canary = "";

    @Option(names = "--canary-weight", defaultValue = "0", description = "Share of the traffic for the canary, 0..1.")
    double canaryWeight;

    @Override
    public void run() {
        String model = version.model;
        if (version.tuningJob != null) {
            TuningJob job = tuning.describeTuningJob(DescribeTuningJobRequest.newBuilder().setTuningJobName(version.tuningJob).build());
            if (!job.hasBestTrial()) {
                throw new IllegalStateException("tuning job " + version.tuningJob + " has no completed trial yet");
            }
            model = job.getBestTrial().getTrainingJobName();
            System.out.printf("best trial of %s: %s (objective %.4f)%n", version.tuningJob, model, job.getBestTrial().getObjectiveValue());
        }
        Endpoint e = inference.setEndpointModel(SetEndpointModelRequest.newBuilder().setEndpoint(Endpoint.newBuilder().setName(name)
                .setModelVersion(model).setCanaryModelVersion(canary).setCanaryWeight(canaryWeight)).build());
        System.out.printf("endpoint %s serves %s%s%n", e.getName(), e.getModelVersion(),
                e.getCanaryModelVersion().isEmpty() ? "" : String.format(", canary %s at %.0f %%", e.getCanaryModelVersion(), 100 * e.getCanaryWeight()));
    }
}
