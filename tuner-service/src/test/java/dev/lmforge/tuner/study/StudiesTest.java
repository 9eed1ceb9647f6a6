package dev.lmforge.tuner.study;

import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.Study;
import dev.lmforge.api.v1.StudyBudget;
import dev.lmforge.api.v1.StudySpec;
import dev.lmforge.common.errors.LmForgeException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StudiesTest {

    static final Principal OWNER = Principal.newBuilder().setSubject("alice").setTenant("default").setRole("editor").build();

    private final FakeStudyPlatform fake = new FakeStudyPlatform("news");
    private final Studies studies = new Studies(fake, fake, Duration.ofMillis(10));

    private static StudySpec spec(String name, String corpus) {
        return StudySpec.newBuilder().setStudyName(name).setCorpusId(corpus).build();
    }

    @Test
    void badRequestsGetAStatusAndAReason() {
        LmForgeException tooLong = assertThrows(LmForgeException.class, () -> studies.create(spec("s".repeat(41), "news"), OWNER));
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, tooLong.kind());
        LmForgeException noCorpus = assertThrows(LmForgeException.class, () -> studies.create(spec("st", "missing"), OWNER));
        assertEquals(LmForgeException.Kind.NOT_FOUND, noCorpus.kind());
        assertTrue(noCorpus.getMessage().contains("corpus 'missing' does not exist"), noCorpus.getMessage());
        LmForgeException noStudy = assertThrows(LmForgeException.class, () -> studies.describe("nope"));
        assertEquals(LmForgeException.Kind.NOT_FOUND, noStudy.kind());
    }

    @Test
    void aStudyRunsToItsReportAndItsNameIsTaken() throws Exception {
        Study created = studies.create(spec("st", "news"), OWNER);
        assertEquals(StudyBudget.STUDY_BUDGET_SMALL, created.getSpec().getBudget(), "small is the default budget");
        LmForgeException twice = assertThrows(LmForgeException.class, () -> studies.create(spec("st", "news"), OWNER));
        assertEquals(LmForgeException.Kind.ALREADY_EXISTS, twice.kind());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (studies.describe("st").getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, studies.describe("st").getStatus());
        assertEquals(StudyReport.MARKDOWN, studies.report("st").get(0).getKey());
    }

    @Test
    void aReportIsRefusedUntilItExists() {
        fake.save(Study.newBuilder().setSpec(spec("running", "news")).setStatus(JobStatus.JOB_STATUS_IN_PROGRESS).setPhase("building datasets").build());
        LmForgeException e = assertThrows(LmForgeException.class, () -> studies.report("running"));
        assertEquals(LmForgeException.Kind.FAILED_PRECONDITION, e.kind());
        assertTrue(e.getMessage().contains("building datasets"), e.getMessage());
    }
}
