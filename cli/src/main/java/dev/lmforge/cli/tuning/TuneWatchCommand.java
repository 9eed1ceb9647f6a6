package dev.lmforge.cli.tuning;

import dev.lmforge.api.v1.DescribeTuningJobRequest;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.api.v1.TuningServiceGrpc;
import dev.lmforge.cli.support.CliErrors;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "watch", mixinStandardHelpOptions = true, description = "A live trial table until the tuning job ends.")
public class TuneWatchCommand implements Callable<Integer> {

    @GrpcClient("tuner")
    TuningServiceGrpc.TuningServiceBlockingStub tuning;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws InterruptedException {
        return follow(tuning, name);
    }

    /** Redraws the table when it changes (in place on a terminal, appended otherwise). */
    static int follow(TuningServiceGrpc.TuningServiceBlockingStub tuning, String name) throws InterruptedException {
        boolean terminal = System.console() != null;
        String last = "";
        int lastLines = 0;
        while (true) {
            TuningJob job = tuning.describeTuningJob(DescribeTuningJobRequest.newBuilder().setTuningJobName(name).build());
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            TuningPrinter.print(job, new PrintStream(buffer, true, StandardCharsets.UTF_8));
            String table = buffer.toString(StandardCharsets.UTF_8);
            if (!table.equals(last)) {
                if (terminal && lastLines > 0) {
                    System.out.print("\033[" + lastLines + "A\033[J");
                }
                System.out.print(table);
                last = table;
                lastLines = (int) table.lines().count();
            }
            boolean running = job.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS || job.getStatus() == JobStatus.JOB_STATUS_STOPPING;
            if (!running) {
                return job.getStatus() == JobStatus.JOB_STATUS_COMPLETED ? 0 : CliErrors.FAILED;
            }
            Thread.sleep(2000);
        }
    }
}
