package dev.lmforge.common.store;

import dev.lmforge.common.security.Tenants;

import java.util.Locale;

/**
 * Where every artifact lives in the {@link ArtifactStore}, as paths relative to its root prefix. The
 * services read each other's artifacts, so this is the one place that knows the key layout: no key
 * is spelt anywhere else. Prefixes end with '/'.
 *
 * <p>Every path starts at {@link #collection}: each tenant has a layout ({@link #of}) whose
 * collections sit under the tenant, and no caller builds a key itself. The default tenant's layout is
 * {@link #shared()}, whose keys must not change: existing buckets hold data under them.
 */
public final class ArtifactLayout {

    /** The marker that publishes a corpus; corpora are listed by it. */
    public static final String CORPUS_MARKER = ArtifactStore.MANIFEST;
    /** The marker that publishes a dataset (its Dataset message, written last). */
    public static final String DATASET_MARKER = "meta.json";
    /** A dataset's status record, there from creation on; datasets are listed by it. */
    public static final String DATASET_STATUS = "status.json";
    /** A training job's record; training jobs are listed by it. */
    public static final String TRAINING_JOB_STATUS = "status.json";
    /** The marker that publishes a checkpoint. */
    public static final String CHECKPOINT_MARKER = "state.json";
    /** The marker that publishes a model (its ModelCard, written last). */
    public static final String MODEL_MARKER = ArtifactStore.MANIFEST;
    /** A tuning job's record; tuning jobs are listed by it. */
    public static final String TUNING_JOB_STATE = "state.json";
    /** A study's record; studies are listed by it. */
    public static final String STUDY_RECORD = "study.json";

    private static final String OUTBOX_ENTRY_SUFFIX = ".pb";

    /** Where the tenants other than the default one keep their resources, one prefix each. */
    public static final String TENANTS_PREFIX = "tenants/";

    private static final ArtifactLayout SHARED = new ArtifactLayout("");

    private final String base;

    private ArtifactLayout(String base) {
        this.base = base;
    }

    /**
     * The platform's own keys (the outbox, the import prefixes), which are also the default tenant's:
     * every key written before tenants existed stays where it was.
     */
    public static ArtifactLayout shared() {
        return SHARED;
    }

    /** The layout of a tenant's resources: the default tenant's are {@link #shared()}, another's sit under tenants/{tenant}/. */
    public static ArtifactLayout of(String tenant) {
        if (Tenants.DEFAULT.equals(tenant)) {
            return SHARED;
        }
        if (!Tenants.isValid(tenant)) {
            throw new IllegalArgumentException("not a tenant name: " + tenant);
        }
        return new ArtifactLayout(TENANTS_PREFIX + tenant + "/");
    }

    private String collection(String name) {
        return base + name + "/";
    }

    /** Where a tenant puts objects to import (corpora, SentencePiece models): the default import allow-list. */
    public String importsPrefix(String tenant) {
        return collection("imports") + tenant + "/";
    }

    // Corpora: written by the preprocess-service, read by the tokenizer-service.

    public String corporaPrefix() {
        return collection("corpora");
    }

    public String corpusPrefix(String corpusId) {
        return corporaPrefix() + corpusId + "/";
    }

    /** A split's text, {@code train}, {@code validation} or {@code test}. */
    public String corpusSplit(String corpusId, String split) {
        return corpusPrefix(corpusId) + split + ".txt";
    }

    public String corpusStats(String corpusId) {
        return corpusPrefix(corpusId) + "stats.json";
    }

    public String corpusManifest(String corpusId) {
        return corpusPrefix(corpusId) + CORPUS_MARKER;
    }

    /** Present once corpus.ingested went out, for data written before the outbox (read once, when the outbox stages what was pending). */
    public String corpusIngestedMarker(String corpusId) {
        return corpusPrefix(corpusId) + "events/corpus.ingested";
    }

    // Datasets: written by the tokenizer-service, read by the trainer and the tuner.

    public String datasetsPrefix() {
        return collection("datasets");
    }

    public String datasetPrefix(String datasetId) {
        return datasetsPrefix() + datasetId + "/";
    }

    public String datasetStatus(String datasetId) {
        return datasetPrefix(datasetId) + DATASET_STATUS;
    }

    public String datasetMeta(String datasetId) {
        return datasetPrefix(datasetId) + DATASET_MARKER;
    }

    /** A file of a dataset: its tokenizer or a token shard. */
    public String datasetFile(String datasetId, String fileName) {
        return datasetPrefix(datasetId) + fileName;
    }

    /** Present once tokens.ready went out, for data written before the outbox (read once, when the outbox stages what was pending). */
    public String tokensReadyMarker(String datasetId) {
        return datasetPrefix(datasetId) + "events/tokens.ready";
    }

    // Training jobs and their models: written by the trainer, read by the tuner and the inference-service.

    public String trainingJobsPrefix() {
        return collection("training-jobs");
    }

    public String trainingJobPrefix(String jobName) {
        return trainingJobsPrefix() + jobName + "/";
    }

    public String trainingJobSpec(String jobName) {
        return trainingJobPrefix(jobName) + "spec.json";
    }

    public String trainingJobStatus(String jobName) {
        return trainingJobPrefix(jobName) + TRAINING_JOB_STATUS;
    }

    public String trainingJobLease(String jobName) {
        return trainingJobPrefix(jobName) + "lease.json";
    }

    /** One JSON line per epoch. */
    public String trainingJobMetrics(String jobName) {
        return trainingJobPrefix(jobName) + "metrics.jsonl";
    }

    public String checkpointPrefix(String jobName, long globalStep) {
        return trainingJobPrefix(jobName) + String.format(Locale.ROOT, "checkpoints/step-%012d/", globalStep);
    }

    public String latestCheckpoint(String jobName) {
        return trainingJobPrefix(jobName) + "checkpoints/latest.json";
    }

    /** A model is named after the training job that exported it. */
    public String modelPrefix(String jobName) {
        return trainingJobPrefix(jobName) + "model/";
    }

    public String modelManifest(String jobName) {
        return modelPrefix(jobName) + MODEL_MARKER;
    }

    /** A file of a model, by its path inside the model directory. */
    public String modelFile(String jobName, String relativePath) {
        return modelPrefix(jobName) + relativePath;
    }

    /** Present once model.ready went out, for data written before the outbox (read once, when the outbox stages what was pending). */
    public String modelReadyMarker(String jobName) {
        return trainingJobPrefix(jobName) + "events/model.ready";
    }

    // Tuning jobs and studies: the tuner-service's own.

    public String tuningJobsPrefix() {
        return collection("tuning-jobs");
    }

    public String tuningJobSpec(String jobName) {
        return tuningJobsPrefix() + jobName + "/spec.json";
    }

    public String tuningJobState(String jobName) {
        return tuningJobsPrefix() + jobName + "/" + TUNING_JOB_STATE;
    }

    public String studiesPrefix() {
        return collection("studies");
    }

    public String studyRecord(String studyName) {
        return studiesPrefix() + studyName + "/" + STUDY_RECORD;
    }

    public String studyReportPrefix(String studyName) {
        return studiesPrefix() + studyName + "/report/";
    }

    public String studyReportFile(String studyName, String fileName) {
        return studyReportPrefix(studyName) + fileName;
    }

    // The outbox: the events each service has still to send (dev.lmforge.common.events.outbox.Outbox).

    /** The pending events of one service on one topic, one object per event. */
    public String outboxPrefix(String service, String topic) {
        return collection("outbox") + service + "/" + topic + "/";
    }

    /** One pending event: its protobuf bytes, named after its record key. */
    public String outboxEntry(String service, String topic, String key) {
        return outboxPrefix(service, topic) + key + OUTBOX_ENTRY_SUFFIX;
    }

    /** The record key of an entry under {@link #outboxPrefix}. */
    public String outboxKey(String service, String topic, String entryPath) {
        return entryPath.substring(outboxPrefix(service, topic).length(), entryPath.length() - OUTBOX_ENTRY_SUFFIX.length());
    }

    /** Present once the events left pending under the per-artifact markers of before are staged in the outbox. */
    public String outboxLegacyStaged(String service, String topic) {
        return collection("outbox") + service + "/legacy-staged/" + topic;
    }

    // Endpoints: the inference-service's own.

    public String endpointsPrefix() {
        return collection("endpoints");
    }

    public String endpoint(String endpointName) {
        return endpointsPrefix() + endpointName + ".json";
    }
}
