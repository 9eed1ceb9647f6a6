package dev.lmforge.tuner.study;

import dev.lmforge.common.testing.TenantAssertions;
import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.Study;
import dev.lmforge.api.v1.StudyBudget;
import dev.lmforge.api.v1.StudySpec;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.security.Tenants;
import dev.lmforge.common.store.ArtifactLayout;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StudiesTest {

    static final Principal OWNER = Principal.newBuilder().setSubject("alice").setTenant("default").setRole("editor").build();
    static final Principal ACME_OWNER = Principal.newBuilder().setSubject("bob").setTenant("acme").setRole("editor").build();

    private final FakeStudyPlatform fake = new FakeStudyPlatform("news");
    private final Studies studies = new Studies(fake, fake, Duration.ofMillis(10));

    private static StudySpec spec(String name, String corpus) {
        return StudySpec.newBuilder().setStudyName(name).setCorpusId(corpus).build();
    }

    @Test
    void badRequestsGetAStatusAndAReason() {
        LmForgeException tooLong = assertThrows(LmForgeException.class, () -> studies.create(Tenants.DEFAULT, spec("s".repeat(41), "news"), OWNER));
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, tooLong.kind());
        LmForgeException noCorpus = assertThrows(LmForgeException.class, () -> studies.create(Tenants.DEFAULT, spec("st", "missing"), OWNER));
        assertEquals(LmForgeException.Kind.NOT_FOUND, noCorpus.kind());
        assertTrue(noCorpus.getMessage().contains("corpus 'missing' does not exist"), noCorpus.getMessage());
        LmForgeException noStudy = assertThrows(LmForgeException.class, () -> studies.describe(Tenants.DEFAULT, "nope"));
        assertEquals(LmForgeException.Kind.NOT_FOUND, noStudy.kind());
    }

    @Test
    void aStudyRunsToItsReportAndItsNameIsTaken() throws Exception {
        Study created = studies.create(Tenants.DEFAULT, spec("st", "news"), OWNER);
        assertEquals(StudyBudget.STUDY_BUDGET_SMALL, created.getSpec().getBudget(), "small is the default budget");
        LmForgeException twice = assertThrows(LmForgeException.class, () -> studies.create(Tenants.DEFAULT, spec("st", "news"), OWNER));
        assertEquals(LmForgeException.Kind.ALREADY_EXISTS, twice.kind());
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, awaitEnd(Tenants.DEFAULT, "st").getStatus());
        assertEquals(StudyReport.MARKDOWN, studies.report(Tenants.DEFAULT, "st").get(0).getKey());
    }

    @Test
    void aReportIsRefusedUntilItExists() {
        fake.save(Tenants.DEFAULT, Study.newBuilder().setSpec(spec("running", "news")).setStatus(JobStatus.JOB_STATUS_IN_PROGRESS).setPhase("building datasets").build());
        LmForgeException e = assertThrows(LmForgeException.class, () -> studies.report(Tenants.DEFAULT, "running"));
        assertEquals(LmForgeException.Kind.FAILED_PRECONDITION, e.kind());
        assertTrue(e.getMessage().contains("building datasets"), e.getMessage());
    }

    @Test
    void twoTenantsRunStudiesOfTheSameNameApart() throws Exception {
        fake.addCorpus("acme", "news");
        studies.create(Tenants.DEFAULT, spec("st", "news"), OWNER);
        studies.create("acme", spec("st", "news"), ACME_OWNER);

        Study mine = awaitEnd(Tenants.DEFAULT, "st");
        Study theirs = awaitEnd("acme", "st");
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, mine.getStatus(), mine.getFailureReason());
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, theirs.getStatus(), theirs.getFailureReason());
        assertEquals(ACME_OWNER, theirs.getCreatedBy());
        assertEquals(ArtifactLayout.shared().studyReportPrefix("st"), mine.getReportLocation().getKey());
        assertEquals(ArtifactLayout.of("acme").studyReportPrefix("st"), theirs.getReportLocation().getKey());
        assertTrue(fake.tunings.containsKey("st-tuning") && fake.tunings.containsKey("acme:st-tuning"), "each study tuned in its tenant");
        assertEquals(StudyReport.MARKDOWN, studies.report("acme", "st").get(0).getKey());
    }

    @Test
    void anotherTenantsStudyAnswersLikeAMissingOne() {
        fake.save(Tenants.DEFAULT, Study.newBuilder().setSpec(spec("solo", "news")).setStatus(JobStatus.JOB_STATUS_COMPLETED).build());

        TenantAssertions.assertAnswersAsMissing(() -> studies.describe("nobody", "solo"), () -> studies.describe("acme", "solo"),
                () -> studies.report("acme", "solo"));
        assertTrue(studies.list("acme").isEmpty());
        assertEquals(1, studies.list(Tenants.DEFAULT).size());
        LmForgeException noCorpus = assertThrows(LmForgeException.class, () -> studies.create("acme", spec("st", "news"), ACME_OWNER));
        assertEquals(LmForgeException.Kind.NOT_FOUND, noCorpus.kind(), "corpus news is the default tenant's, not acme's");
    }

    private Study awaitEnd(String tenant, String name) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (studies.describe(tenant, name).getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return studies.describe(tenant, name);
    }
}
