package dev.lmforge.tuner.study;

import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.Study;
import dev.lmforge.api.v1.StudyBudget;
import dev.lmforge.api.v1.StudySpec;
import dev.lmforge.api.v1.Trial;
import dev.lmforge.common.security.Tenants;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StudyExecutionTest {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    private static Study started(String name) {
        return Study.newBuilder().setSpec(StudySpec.newBuilder().setStudyName(name).setCorpusId("news").setBudget(StudyBudget.STUDY_BUDGET_SMALL))
                .setStatus(JobStatus.JOB_STATUS_IN_PROGRESS).build();
    }

    @Test
    void answersTheFiveQuestionsWithEveryNumberLinkedToACompletedJob() throws Exception {
        FakeStudyPlatform fake = new FakeStudyPlatform("news");
        Study done = new StudyExecution(Tenants.DEFAULT, started("st"), fake, fake, Duration.ZERO).run();

        assertEquals(JobStatus.JOB_STATUS_COMPLETED, done.getStatus(), done.getFailureReason());
        assertTrue(done.getRunsList().stream().allMatch(r -> r.getStatus() == JobStatus.JOB_STATUS_COMPLETED));
        String md = new String(fake.files.get("st/report.md"), StandardCharsets.UTF_8);
        StudyPlan plan = StudyPlan.of("st", Budget.SMALL, 9_000);
        for (int q = 1; q <= 5; q++) {
            String section = section(md, "## Q" + q + ".");
            assertTrue(linksIn(section) > 0, "Q" + q + " links no job:\n" + section);
        }
        String[] summaryRows = done.getSummary().lines().filter(l -> l.startsWith("| Q")).toArray(String[]::new);
        assertEquals(5, summaryRows.length, done.getSummary());
        for (String row : summaryRows) {
            assertTrue(linksIn(row) > 0, "summary row without evidence: " + row);
            assertFalse(row.contains("not answered"), row);
        }
        assertEveryLinkIsACompletedJob(md, plan, fake);
        Matcher pictures = Pattern.compile("!\\[[^]]*]\\(([^)]+)\\)").matcher(md);
        int count = 0;
        while (pictures.find()) {
            byte[] png = fake.files.get("st/" + pictures.group(1));
            assertNotNull(png, "picture " + pictures.group(1) + " was not written");
            assertTrue(Arrays.equals(PNG, Arrays.copyOf(png, 4)), pictures.group(1) + " is not a PNG");
            count++;
        }
        assertEquals(7, count, "Q2, Q3 (importance and three parameters), Q4 and Q5 each draw");
        assertTrue(md.contains("not directly comparable"), "Q1 must say why kept and removed are not comparable");
        assertTrue(md.contains("Each doubling of the training text lowers bpc by 0.1000"), section(md, "## Q4."));
    }

    @Test
    void aFailedJobLeavesItsNumbersOutAndFailsTheStudyButTheReportIsWritten() throws Exception {
        FakeStudyPlatform fake = new FakeStudyPlatform("news");
        fake.failingRuns = Set.of(StudyPlan.BPE_LSTM);
        Study done = new StudyExecution(Tenants.DEFAULT, started("st"), fake, fake, Duration.ZERO).run();

        assertEquals(JobStatus.JOB_STATUS_FAILED, done.getStatus());
        assertTrue(done.getFailureReason().contains("bpe-lstm (training diverged)"), done.getFailureReason());
        String q2 = section(new String(fake.files.get("st/report.md"), StandardCharsets.UTF_8), "## Q2.");
        assertTrue(q2.contains("— ([bpe-lstm](#run-bpe-lstm) did not complete)"), q2);
        assertTrue(q2.contains("**word tokens give the lowest bits per character**"), q2);
    }

    @Test
    void aResumedStudyRequestsNothingTwice() throws Exception {
        FakeStudyPlatform fake = new FakeStudyPlatform("news");
        new StudyExecution(Tenants.DEFAULT, started("st"), fake, fake, Duration.ZERO).run();
        int requests = fake.requested.size();
        Study again = new StudyExecution(Tenants.DEFAULT, started("st"), fake, fake, Duration.ZERO).run();

        assertEquals(StudyPlan.of("st", Budget.SMALL, 9_000).ofKind(StudyPlan.TRAINING_JOB).size(), requests);
        assertEquals(requests, fake.requested.size());
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, again.getStatus());
    }

    @Test
    void aMissingCorpusFailsTheStudyWithAReason() throws Exception {
        FakeStudyPlatform fake = new FakeStudyPlatform("other");
        Study done = new StudyExecution(Tenants.DEFAULT, started("st"), fake, fake, Duration.ZERO).run();
        assertEquals(JobStatus.JOB_STATUS_FAILED, done.getStatus());
        assertTrue(done.getFailureReason().contains("corpus 'news' no longer exists"), done.getFailureReason());
    }

    @Test
    void aStudyMakesAndReadsEverythingInItsTenant() throws Exception {
        FakeStudyPlatform fake = new FakeStudyPlatform("acme", "news");
        Study done = new StudyExecution("acme", started("st"), fake, fake, Duration.ZERO).run();

        assertEquals(JobStatus.JOB_STATUS_COMPLETED, done.getStatus(), done.getFailureReason());
        assertEquals(Set.of("acme"), fake.tenantsActedIn);
        assertTrue(fake.jobs.keySet().stream().allMatch(k -> k.startsWith("acme:")), fake.jobs.keySet().toString());
        assertTrue(fake.datasets.keySet().stream().allMatch(k -> k.startsWith("acme:")), fake.datasets.keySet().toString());
        assertEquals(Set.of("acme:st-tuning"), fake.tunings.keySet());
        assertNotNull(fake.files.get("acme:st/report.md"));
        assertEquals(done, fake.find("acme", "st").orElseThrow());
        assertTrue(fake.find(Tenants.DEFAULT, "st").isEmpty());
    }

    private static void assertEveryLinkIsACompletedJob(String md, StudyPlan plan, FakeStudyPlatform fake) {
        Matcher links = Pattern.compile("]\\(#([a-zA-Z0-9-]+)\\)").matcher(md);
        while (links.find()) {
            String target = links.group(1);
            if (target.equals("jobs")) {
                assertTrue(md.contains("## Jobs"));
                continue;
            }
            assertTrue(md.contains("<a id=\"" + target + "\"></a>"), "link to #" + target + " has no anchor");
            if (target.startsWith("run-")) {
                StudyPlan.Run run = plan.run(target.substring(4));
                assertEquals(JobStatus.JOB_STATUS_COMPLETED, fake.jobs.get(run.resource()).getStatus(), target);
            } else if (target.startsWith("trial-")) {
                String job = target.substring(6);
                assertTrue(fake.tunings.get("st-tuning").getTrialsList().stream()
                        .anyMatch(t -> t.getTrainingJobName().equals(job) && t.getStatus() == JobStatus.JOB_STATUS_COMPLETED), target);
            } else {
                assertEquals("trials", target);
                assertTrue(fake.tunings.get("st-tuning").getTrialsList().stream().allMatch(Trial::getHasObjectiveValue));
            }
        }
    }

    private static String section(String md, String heading) {
        int start = md.indexOf(heading);
        assertTrue(start >= 0, "no section " + heading);
        int end = md.indexOf("\n## ", start + heading.length());
        return md.substring(start, end < 0 ? md.length() : end);
    }

    private static int linksIn(String text) {
        Matcher m = Pattern.compile("\\[[^]]+]\\(#(run|trial)-[a-zA-Z0-9-]+\\)").matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
