package dev.lmforge.cli.tuning;

import com.google.protobuf.util.JsonFormat;
import dev.lmforge.api.v1.CreateTuningJobRequest;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.api.v1.TuningJobSpec;
import dev.lmforge.api.v1.TuningServiceGrpc;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = {"Create a tuning job from a JSON spec (the TuningJobSpec message; see examples/tuning-job.json)."})
public class TuneCreateCommand implements Callable<Integer> {

    @GrpcClient("tuner")
    TuningServiceGrpc.TuningServiceBlockingStub tuning;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "SPEC.json")
    Path file;

    @Option(names = "--name", paramLabel = "NAME", description = "Overrides the spec's tuning_job_name.")
    String name;

    @Option(names = "--watch", description = "Follow the job until it ends.")
    boolean watch;

    @Override
    public Integer call() throws Exception {
        TuningJobSpec.Builder spec = TuningJobSpec.newBuilder();
        JsonFormat.parser().merge(Files.readString(file), spec);
        if (name != null) {
            spec.setTuningJobName(name);
        }
        TuningJob job = tuning.createTuningJob(CreateTuningJobRequest.newBuilder().setSpec(spec).build());
        System.err.println("created tuning job " + job.getSpec().getTuningJobName());
        return watch ? TuneWatchCommand.follow(tuning, job.getSpec().getTuningJobName()) : 0;
    }
}
