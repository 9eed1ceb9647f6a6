package dev.lmforge.cli.support;

import com.google.protobuf.util.JsonFormat;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.ListTrainingJobsResponse;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputTest {

    @Command(name = "probe")
    static class Probe implements Runnable {
        @Mixin
        Output output;
        boolean json;

        @Override
        public void run() {
            json = output.json();
        }
    }

    @Test
    void dashOJsonAndTheOldDashDashJsonBothMeanJson() {
        for (String[] args : new String[][] {{"-o", "json"}, {"--output=json"}, {"--json"}}) {
            Probe probe = new Probe();
            assertEquals(0, new CommandLine(probe).execute(args));
            assertTrue(probe.json, String.join(" ", args));
        }
        Probe table = new Probe();
        new CommandLine(table).execute();
        assertFalse(table.json, "table by default");
        assertEquals(2, new CommandLine(new Probe()).execute("-o", "yaml"), "anything else is a usage error");
    }

    @Test
    void aListPrintsAsItsResponseMessageThatParsesBack() throws Exception {
        ListTrainingJobsResponse list = ListTrainingJobsResponse.newBuilder()
                .addTrainingJobs(TrainingJob.newBuilder().setSpec(TrainingJobSpec.newBuilder().setTrainingJobName("a")).setStatus(JobStatus.JOB_STATUS_COMPLETED))
                .addTrainingJobs(TrainingJob.newBuilder().setSpec(TrainingJobSpec.newBuilder().setTrainingJobName("b"))).build();
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            Output.printJson(list);
        } finally {
            System.setOut(stdout);
        }
        String json = printed.toString(StandardCharsets.UTF_8);
        assertTrue(json.contains("\"trainingJobs\"") && json.contains("\"epochsCompleted\": 0"), "protobuf JSON names, defaults included: " + json);
        ListTrainingJobsResponse.Builder back = ListTrainingJobsResponse.newBuilder();
        JsonFormat.parser().merge(json, back);
        assertEquals(list, back.build());
    }
}
