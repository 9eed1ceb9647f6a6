package dev.lmforge.cli.training;

import dev.lmforge.api.v1.ComputeResource;
import dev.lmforge.api.v1.CreateTrainingJobRequest;
import dev.lmforge.api.v1.StoppingCondition;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Create a training job: an LSTM language model on a dataset (trainer-service).",
                "Hyperparameters as in SageMaker: --hp hidden_size=200 --hp epochs=4 ... (the README's Hyperparameters table lists them)."})
public class TrainCommand implements Callable<Integer> {

    @GrpcClient("trainer")
    TrainingServiceGrpc.TrainingServiceBlockingStub training;

    @GrpcClient("trainer")
    io.grpc.Channel channel;

    @Option(names = "--dataset", required = true, paramLabel = "ID")
    String dataset;

    @Option(names = "--name", paramLabel = "NAME", description = "Job name (generated if left out).")
    String name;

    @Option(names = "--hp", paramLabel = "KEY=VALUE", description = "A hyperparameter; repeat for each.")
    Map<String, String> hyperparameters = Map.of();

    @Option(names = "--gpu", description = "Ask for a GPU trainer.")
    boolean gpu;

    @Option(names = "--max-runtime", paramLabel = "SECONDS", description = "Stop the job after this long (0: no limit).")
    long maxRuntime;

    @Option(names = "--watch", description = "Follow the job until it ends, with a progress bar.")
    boolean watch;

    @Override
    public Integer call() throws InterruptedException {
        String jobName = name != null ? name : "lstm-" + java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        TrainingJob job = training.createTrainingJob(CreateTrainingJobRequest.newBuilder().setSpec(TrainingJobSpec.newBuilder()
                .setTrainingJobName(jobName).setDatasetId(dataset).putAllHyperparameters(hyperparameters)
                .setResource(gpu ? ComputeResource.COMPUTE_RESOURCE_GPU : ComputeResource.COMPUTE_RESOURCE_CPU)
                .setStoppingCondition(StoppingCondition.newBuilder().setMaxRuntimeSeconds(maxRuntime))).build());
        System.err.println("created training job " + jobName);
        if (!watch) {
            JobPrinter.print(job);
            return 0;
        }
        return Watcher.follow(channel, training, jobName);
    }
}
