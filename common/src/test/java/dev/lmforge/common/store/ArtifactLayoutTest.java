package dev.lmforge.common.store;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The keys spelt out once more: buckets hold data under them, so a change here must be deliberate. */
class ArtifactLayoutTest {

    private final ArtifactLayout layout = ArtifactLayout.shared();

    @Test
    void theDefaultTenantKeepsTheKeysOfBeforeTenantsAndAnotherHasItsOwnPrefix() {
        assertEquals("corpora/c1/", ArtifactLayout.of("default").corpusPrefix("c1"));
        assertEquals("tenants/team-a/corpora/c1/", ArtifactLayout.of("team-a").corpusPrefix("c1"));
        assertEquals("tenants/team-a/training-jobs/j1/model/manifest.json", ArtifactLayout.of("team-a").modelManifest("j1"));
        assertEquals("tenants/team-a/endpoints/", ArtifactLayout.of("team-a").endpointsPrefix());
        assertThrows(IllegalArgumentException.class, () -> ArtifactLayout.of("../x"));
    }

    @Test
    void corpora() {
        assertEquals("corpora/", layout.corporaPrefix());
        assertEquals("corpora/c1/", layout.corpusPrefix("c1"));
        assertEquals("corpora/c1/validation.txt", layout.corpusSplit("c1", "validation"));
        assertEquals("corpora/c1/stats.json", layout.corpusStats("c1"));
        assertEquals("corpora/c1/manifest.json", layout.corpusManifest("c1"));
        assertEquals("corpora/c1/events/corpus.ingested", layout.corpusIngestedMarker("c1"));
    }

    @Test
    void datasets() {
        assertEquals("datasets/", layout.datasetsPrefix());
        assertEquals("datasets/d1/", layout.datasetPrefix("d1"));
        assertEquals("datasets/d1/status.json", layout.datasetStatus("d1"));
        assertEquals("datasets/d1/meta.json", layout.datasetMeta("d1"));
        assertEquals("datasets/d1/train-00003.bin", layout.datasetFile("d1", "train-00003.bin"));
        assertEquals("datasets/d1/events/tokens.ready", layout.tokensReadyMarker("d1"));
    }

    @Test
    void trainingJobsAndModels() {
        assertEquals("training-jobs/", layout.trainingJobsPrefix());
        assertEquals("training-jobs/j1/", layout.trainingJobPrefix("j1"));
        assertEquals("training-jobs/j1/spec.json", layout.trainingJobSpec("j1"));
        assertEquals("training-jobs/j1/status.json", layout.trainingJobStatus("j1"));
        assertEquals("training-jobs/j1/lease.json", layout.trainingJobLease("j1"));
        assertEquals("training-jobs/j1/metrics.jsonl", layout.trainingJobMetrics("j1"));
        assertEquals("training-jobs/j1/checkpoints/step-000000001234/", layout.checkpointPrefix("j1", 1234));
        assertEquals("training-jobs/j1/checkpoints/latest.json", layout.latestCheckpoint("j1"));
        assertEquals("training-jobs/j1/model/", layout.modelPrefix("j1"));
        assertEquals("training-jobs/j1/model/manifest.json", layout.modelManifest("j1"));
        assertEquals("training-jobs/j1/model/variables/variables.index", layout.modelFile("j1", "variables/variables.index"));
        assertEquals("training-jobs/j1/events/model.ready", layout.modelReadyMarker("j1"));
    }

    @Test
    void checkpointStepsAreAsciiDigitsInAnyLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("ar-EG"));
            assertEquals("training-jobs/j1/checkpoints/step-000000000007/", layout.checkpointPrefix("j1", 7));
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void tunerAndInferenceArtifacts() {
        assertEquals("tuning-jobs/", layout.tuningJobsPrefix());
        assertEquals("tuning-jobs/t1/spec.json", layout.tuningJobSpec("t1"));
        assertEquals("tuning-jobs/t1/state.json", layout.tuningJobState("t1"));
        assertEquals("studies/", layout.studiesPrefix());
        assertEquals("studies/s1/study.json", layout.studyRecord("s1"));
        assertEquals("studies/s1/report/", layout.studyReportPrefix("s1"));
        assertEquals("studies/s1/report/q1.png", layout.studyReportFile("s1", "q1.png"));
        assertEquals("endpoints/", layout.endpointsPrefix());
        assertEquals("endpoints/e1.json", layout.endpoint("e1"));
    }

    @Test
    void outbox() {
        assertEquals("outbox/svc/lmforge.t/", layout.outboxPrefix("svc", "lmforge.t"));
        assertEquals("outbox/svc/lmforge.t/k1.pb", layout.outboxEntry("svc", "lmforge.t", "k1"));
        assertEquals("k1", layout.outboxKey("svc", "lmforge.t", layout.outboxEntry("svc", "lmforge.t", "k1")));
        assertEquals("outbox/svc/legacy-staged/lmforge.t", layout.outboxLegacyStaged("svc", "lmforge.t"));
    }

    @Test
    void markersAreTheFilesTheLayoutNames() {
        assertEquals(layout.corpusPrefix("x") + ArtifactLayout.CORPUS_MARKER, layout.corpusManifest("x"));
        assertEquals(layout.datasetPrefix("x") + ArtifactLayout.DATASET_MARKER, layout.datasetMeta("x"));
        assertEquals(layout.datasetPrefix("x") + ArtifactLayout.DATASET_STATUS, layout.datasetStatus("x"));
        assertEquals(layout.trainingJobPrefix("x") + ArtifactLayout.TRAINING_JOB_STATUS, layout.trainingJobStatus("x"));
        assertEquals(layout.modelPrefix("x") + ArtifactLayout.MODEL_MARKER, layout.modelManifest("x"));
        assertEquals("state.json", ArtifactLayout.CHECKPOINT_MARKER);
        assertEquals(layout.tuningJobsPrefix() + "x/" + ArtifactLayout.TUNING_JOB_STATE, layout.tuningJobState("x"));
        assertEquals(layout.studiesPrefix() + "x/" + ArtifactLayout.STUDY_RECORD, layout.studyRecord("x"));
    }
}
