package dev.lmforge.tuner.study;

import dev.lmforge.api.v1.Principal;
import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.Study;
import dev.lmforge.api.v1.StudyBudget;
import dev.lmforge.api.v1.StudySpec;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.naming.ResourceNames;
import dev.lmforge.common.security.TenantKey;
import dev.lmforge.tuner.service.TunerConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Studies as their users see them: created, described, listed, their reports read; each runs on a
 * thread of its own. Every study belongs to a tenant, and a caller names its own: another tenant's
 * study is answered exactly like a missing one.
 */
@ApplicationScoped
public class Studies {

    private static final Logger LOG = Logger.getLogger(Studies.class);
    static final int MAX_NAME_LENGTH = 40;

    private final StudyStore store;
    private final StudyPlatform platform;
    private final Duration pollInterval;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "study");
        t.setDaemon(true);
        return t;
    });

    @Inject
    public Studies(StudyStore store, StudyPlatform platform, TunerConfig config) {
        this(store, platform, config.studyPollInterval());
    }

    Studies(StudyStore store, StudyPlatform platform, Duration pollInterval) {
        this.store = store;
        this.platform = platform;
        this.pollInterval = pollInterval;
    }

    void resume(@Observes StartupEvent start) {
        try {
            for (String tenant : store.tenants()) {
                store.all(tenant).stream().filter(s -> s.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS).forEach(s -> {
                    LOG.infof("study %s was running: it runs on", TenantKey.encode(tenant, s.getSpec().getStudyName()));
                    launch(tenant, s);
                });
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not look for running studies (%s)", e.getMessage());
        }
    }

    void stop(@Observes ShutdownEvent stop) {
        threads.shutdownNow();
    }

    /**
     * Records the study in the tenant as the principal's (its runs act on its behalf) and starts it. Its
     * training jobs are requested as the principal, so the principal must act in the tenant.
     */
    public Study create(String tenant, StudySpec spec, Principal createdBy) {
        if (!tenant.equals(createdBy.getTenant())) {
            throw new IllegalArgumentException("a study of tenant '" + tenant + "' created by a principal of tenant '" + createdBy.getTenant() + "'");
        }
        ResourceNames.requireValid("study name", spec.getStudyName());
        if (spec.getStudyName().length() > MAX_NAME_LENGTH) {
            throw LmForgeException.invalidArgument("study name must have at most %d characters (its jobs are named after it), got %d",
                    MAX_NAME_LENGTH, spec.getStudyName().length());
        }
        ResourceNames.requireValid("corpus id", spec.getCorpusId());
        if (store.find(tenant, spec.getStudyName()).isPresent()) {
            throw LmForgeException.alreadyExists("study '%s' already exists: study names are unique", spec.getStudyName());
        }
        Corpus corpus = platform.findCorpus(tenant, spec.getCorpusId())
                .orElseThrow(() -> LmForgeException.notFound("corpus '%s' does not exist; ingest it first (./lmforge corpus ingest)", spec.getCorpusId()));
        if (!corpus.getSplitsMap().keySet().containsAll(List.of("train", "validation", "test"))) {
            throw LmForgeException.failedPrecondition("corpus '%s' has no train, validation and test splits to compare models on", spec.getCorpusId());
        }
        StudySpec resolved = spec.getBudget() == StudyBudget.STUDY_BUDGET_UNSPECIFIED ? spec.toBuilder().setBudget(StudyBudget.STUDY_BUDGET_SMALL).build() : spec;
        Study study = Study.newBuilder().setSpec(resolved).setStatus(JobStatus.JOB_STATUS_IN_PROGRESS).setPhase("planning")
                .setCreationTime(Timestamps.now()).setCreatedBy(createdBy).build();
        store.save(tenant, study);
        launch(tenant, study);
        return study;
    }

    private void launch(String tenant, Study study) {
        threads.submit(() -> {
            try {
                new StudyExecution(tenant, study, platform, store, pollInterval).run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    public Study describe(String tenant, String name) {
        ResourceNames.requireValid("study name", name);
        return store.find(tenant, name).orElseThrow(() -> LmForgeException.notFound("study '%s' does not exist", name));
    }

    public List<Study> list(String tenant) {
        return store.all(tenant).stream().sorted(Comparator.comparing((Study s) -> s.getCreationTime().getSeconds()).reversed()).toList();
    }

    /** The report's files in order, report.md first; only once the study has ended with a report. */
    public List<Map.Entry<String, byte[]>> report(String tenant, String name) {
        Study study = describe(tenant, name);
        if (study.getReportFilesCount() == 0) {
            throw LmForgeException.failedPrecondition("study '%s' has no report yet: it is %s (%s)", name,
                    study.getStatus().name().replace("JOB_STATUS_", "").toLowerCase(Locale.ROOT),
                    study.getPhase().isEmpty() ? study.getFailureReason() : study.getPhase());
        }
        return study.getReportFilesList().stream().map(f -> Map.entry(f, store.reportFile(tenant, name, f)
                .orElseThrow(() -> LmForgeException.failedPrecondition("study '%s': report file %s is missing from S3", name, f)))).toList();
    }
}
