package dev.lmforge.cli.study;

import dev.lmforge.api.v1.CreateStudyRequest;
import dev.lmforge.api.v1.DescribeTrainingJobRequest;
import dev.lmforge.api.v1.GetStudyReportRequest;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.api.v1.ReportFile;
import dev.lmforge.api.v1.Study;
import dev.lmforge.api.v1.StudyBudget;
import dev.lmforge.api.v1.StudyRun;
import dev.lmforge.api.v1.StudyServiceGrpc;
import dev.lmforge.api.v1.StudySpec;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import dev.lmforge.cli.LocalPlatform;
import dev.lmforge.cli.auth.Credentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The small study, end to end on the running platform (./lmforge test starts it and ingests a
 * reduced corpus, named in LMFORGE_STUDY_CORPUS): every run completes, the report answers the five
 * questions, and every number in it links to a training job that completed with that result.
 */
@EnabledIfEnvironmentVariable(named = "LMFORGE_STUDY_CORPUS", matches = ".+")
class StudyEndToEndTest {

    private static ManagedChannel tuner;
    private static ManagedChannel trainer;

    @BeforeAll
    static void connect() {
        // The local admin's token, as the CLI sends it (./lmforge up wrote it).
        Metadata bearer = new Metadata();
        bearer.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + Credentials.token().orElseThrow(() -> new IllegalStateException("no token: run through ./lmforge test")));
        tuner = LocalPlatform.channel("TUNER", 8104).maxInboundMessageSize(64 << 20).intercept(MetadataUtils.newAttachHeadersInterceptor(bearer)).build();
        trainer = LocalPlatform.channel("TRAINER", 8103).intercept(MetadataUtils.newAttachHeadersInterceptor(bearer)).build();
    }

    @AfterAll
    static void close() {
        tuner.shutdownNow();
        trainer.shutdownNow();
    }

    @Test
    void smallStudyAnswersEveryQuestionWithNumbersBackedByCompletedJobs() throws Exception {
        StudyServiceGrpc.StudyServiceBlockingStub studies = StudyServiceGrpc.newBlockingStub(tuner);
        TrainingServiceGrpc.TrainingServiceBlockingStub jobs = TrainingServiceGrpc.newBlockingStub(trainer);
        String name = "e2e-" + Long.toString(System.currentTimeMillis() % 10_000_000, 36);
        studies.createStudy(CreateStudyRequest.newBuilder().setSpec(StudySpec.newBuilder().setStudyName(name)
                .setCorpusId(System.getenv("LMFORGE_STUDY_CORPUS")).setBudget(StudyBudget.STUDY_BUDGET_SMALL)).build());
        Study study = StudyCommand.follow(studies.withDeadlineAfter(20, TimeUnit.MINUTES), name);

        assertEquals(JobStatus.JOB_STATUS_COMPLETED, study.getStatus(), study.getFailureReason());
        for (StudyRun run : study.getRunsList()) {
            assertEquals(JobStatus.JOB_STATUS_COMPLETED, run.getStatus(), run.getId() + ": " + run.getFailureReason());
        }
        Map<String, byte[]> files = new HashMap<>();
        studies.getStudyReport(GetStudyReportRequest.newBuilder().setStudyName(name).build())
                .forEachRemaining((ReportFile f) -> files.put(f.getName(), f.getContent().toByteArray()));
        String md = new String(files.get("report.md"), StandardCharsets.UTF_8);

        for (int q = 1; q <= 5; q++) {
            assertTrue(md.contains("## Q" + q + "."), "no section Q" + q);
        }
        String[] rows = study.getSummary().lines().filter(l -> l.startsWith("| Q")).toArray(String[]::new);
        assertEquals(5, rows.length, study.getSummary());
        for (String row : rows) {
            assertFalse(row.contains("not answered"), row);
            assertTrue(row.contains("](#run-") || row.contains("](#trial-"), "no evidence linked: " + row);
        }
        Matcher pictures = Pattern.compile("!\\[[^]]*]\\(([^)]+)\\)").matcher(md);
        while (pictures.find()) {
            byte[] png = files.get(pictures.group(1));
            assertNotNull(png, "picture " + pictures.group(1) + " is missing");
            assertTrue(Arrays.equals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4)), pictures.group(1));
        }

        Map<String, StudyRun> runs = new HashMap<>();
        study.getRunsList().forEach(r -> runs.put(r.getId(), r));
        Matcher links = Pattern.compile("\\[([^]]+)]\\(#((run|trial)-[a-zA-Z0-9-]+)\\)").matcher(md);
        int checked = 0;
        while (links.find()) {
            String anchor = links.group(2);
            assertTrue(md.contains("<a id=\"" + anchor + "\"></a>"), "link to #" + anchor + " has no target");
            String job = anchor.startsWith("run-") ? runs.get(anchor.substring(4)).getResource() : anchor.substring("trial-".length());
            TrainingJob j = jobs.describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(job).build());
            assertEquals(JobStatus.JOB_STATUS_COMPLETED, j.getStatus(), job);
            checked++;
        }
        assertTrue(checked > 20, "only " + checked + " linked numbers");
        // the Jobs table repeats each job's validation bpc: it must be the trainer's own figure
        Matcher rowsOfJobs = Pattern.compile("<a id=\"run-([a-z0-9-]+)\"></a>[^|]*\\| ([^|]+) \\|[^|]*\\| Completed \\| ([0-9.]+) \\|").matcher(md);
        int jobsRows = 0;
        while (rowsOfJobs.find()) {
            TrainingJob j = jobs.describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(rowsOfJobs.group(2).trim()).build());
            double bpc = j.getFinalMetricsList().stream().filter(m -> m.getName().equals("validation:bpc")).mapToDouble(Metric::getValue).findFirst().orElseThrow();
            assertEquals(String.format(Locale.ROOT, "%.4f", bpc), rowsOfJobs.group(3), rowsOfJobs.group(1));
            jobsRows++;
        }
        assertEquals(study.getRunsList().stream().filter(r -> r.getKind().equals("training_job")).count(), jobsRows);
    }
}
