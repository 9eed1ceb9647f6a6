package dev.lmforge.cli.training;

import dev.lmforge.api.v1.TrainingServiceGrpc;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "watch", mixinStandardHelpOptions = true, description = "Follow a training job until it ends.")
public class JobsWatchCommand implements Callable<Integer> {

    @GrpcClient("trainer")
    TrainingServiceGrpc.TrainingServiceBlockingStub training;

    @GrpcClient("trainer")
    io.grpc.Channel channel;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
        return Watcher.follow(channel, training, name);
    }
}
