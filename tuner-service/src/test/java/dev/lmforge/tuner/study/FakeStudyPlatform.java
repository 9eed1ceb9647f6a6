package dev.lmforge.tuner.study;

import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusStats;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.DatasetSplit;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.api.v1.ParameterImportance;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.api.v1.Study;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.Trial;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.api.v1.TuningJobSpec;
import dev.lmforge.common.metrics.MetricNames;
import dev.lmforge.common.security.TenantKey;
import dev.lmforge.common.security.Tenants;
import dev.lmforge.common.store.ArtifactLayout;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The services a study uses, in memory: everything completes at once, with made-up but plausible
 * metrics. Resources are kept by their tenant key (the bare name in the default tenant), and every
 * tenant the platform was asked to act in is recorded.
 */
final class FakeStudyPlatform implements StudyPlatform, StudyStore {

    final Map<String, Corpus> corpora = new ConcurrentHashMap<>();
    final Map<String, Dataset> datasets = new ConcurrentHashMap<>();
    final Map<String, TrainingJob> jobs = new ConcurrentHashMap<>();
    final Map<String, TuningJob> tunings = new ConcurrentHashMap<>();
    final Map<String, Study> studies = new ConcurrentHashMap<>();
    final Map<String, byte[]> files = new ConcurrentHashMap<>();
    final List<String> requested = new CopyOnWriteArrayList<>();
    final Set<String> tenantsActedIn = ConcurrentHashMap.newKeySet();
    Set<String> failingRuns = Set.of();

    /** A platform with one corpus, the default tenant's. */
    FakeStudyPlatform(String corpusId) {
        this(Tenants.DEFAULT, corpusId);
    }

    FakeStudyPlatform(String tenant, String corpusId) {
        addCorpus(tenant, corpusId);
    }

    void addCorpus(String tenant, String corpusId) {
        S3Location loc = S3Location.newBuilder().setBucket("lmforge").setKey(ArtifactLayout.of(tenant).corpusSplit(corpusId, "x")).build();
        corpora.put(TenantKey.encode(tenant, corpusId), Corpus.newBuilder().setCorpusId(corpusId).putSplits("train", loc).putSplits("validation", loc).putSplits("test", loc)
                .setStats(CorpusStats.newBuilder().setWords(100_000).setVocabularySize(9_000)).build());
    }

    @Override
    public Optional<Corpus> findCorpus(String tenant, String corpusId) {
        tenantsActedIn.add(tenant);
        return Optional.ofNullable(corpora.get(TenantKey.encode(tenant, corpusId)));
    }

    @Override
    public Corpus importWithoutStopwords(String tenant, Corpus original, String corpusId) {
        tenantsActedIn.add(tenant);
        Corpus c = original.toBuilder().setCorpusId(corpusId).setStats(original.getStats().toBuilder().setStopwordsRemoved(45_000)).build();
        corpora.put(TenantKey.encode(tenant, corpusId), c);
        return c;
    }

    @Override
    public Optional<Dataset> findDataset(String tenant, String datasetId) {
        tenantsActedIn.add(tenant);
        return Optional.ofNullable(datasets.get(TenantKey.encode(tenant, datasetId)));
    }

    @Override
    public void createDataset(String tenant, String datasetId, String corpusId, TokenizerSpec tokenizer) {
        tenantsActedIn.add(tenant);
        boolean stopwordFree = corpusId.endsWith("-nostop");
        DatasetSplit validation = DatasetSplit.newBuilder().setTokens(stopwordFree ? 3_000 : 5_000).setCharacters(stopwordFree ? 17_000 : 25_000)
                .setLines(200).setUnknownRate(0.03).setUnknownTokens(150).build();
        datasets.put(TenantKey.encode(tenant, datasetId), Dataset.newBuilder().setDatasetId(datasetId).setCorpusId(corpusId).setTokenizer(tokenizer)
                .setStatus(JobStatus.JOB_STATUS_COMPLETED).putSplits("train", DatasetSplit.newBuilder().setTokens(100_000).setCharacters(500_000).build())
                .putSplits("validation", validation).build());
    }

    @Override
    public Optional<TrainingJob> findTrainingJob(String tenant, String name) {
        tenantsActedIn.add(tenant);
        return Optional.ofNullable(jobs.get(TenantKey.encode(tenant, name)));
    }

    @Override
    public void requestTrainingJob(String tenant, TrainingJobSpec spec, Principal requestedBy) {
        tenantsActedIn.add(tenant);
        String run = spec.getTagsOrThrow(StudyExecution.RUN_TAG);
        requested.add(run);
        String key = TenantKey.encode(tenant, spec.getTrainingJobName());
        if (failingRuns.contains(run)) {
            jobs.put(key, TrainingJob.newBuilder().setSpec(spec).setStatus(JobStatus.JOB_STATUS_FAILED)
                    .setFailureReason("training diverged").build());
            return;
        }
        double bpc = bpc(run, spec.getHyperparametersMap());
        jobs.put(key, TrainingJob.newBuilder().setSpec(spec).setStatus(JobStatus.JOB_STATUS_COMPLETED)
                .addFinalMetrics(Metric.newBuilder().setName(MetricNames.VALIDATION_BPC).setValue(bpc))
                .addFinalMetrics(Metric.newBuilder().setName(MetricNames.VALIDATION_PERPLEXITY).setValue(Math.pow(2, bpc * 5))).build());
    }

    private static double bpc(String run, Map<String, String> h) {
        return switch (run) {
            case "lstm-s2" -> 1.305;
            case "kn3" -> 1.42;
            case "kn5" -> 1.40;
            case "no-recurrence" -> 1.55;
            case "lstm-1layer" -> 1.33;
            case "bpe-lstm" -> 1.36;
            case "unigram-lstm" -> 1.35;
            case "nostop-lstm" -> 1.9;
            default -> run.startsWith("data-") ? 1.3 + 0.1 * Math.log(1 / Double.parseDouble(h.get("data_fraction"))) / Math.log(2) : 1.30;
        };
    }

    @Override
    public Optional<TuningJob> findTuningJob(String tenant, String name) {
        tenantsActedIn.add(tenant);
        return Optional.ofNullable(tunings.get(TenantKey.encode(tenant, name)));
    }

    @Override
    public void createTuningJob(String tenant, TuningJobSpec spec, Principal createdBy) {
        tenantsActedIn.add(tenant);
        TuningJob.Builder t = TuningJob.newBuilder().setSpec(spec).setStatus(JobStatus.JOB_STATUS_COMPLETED)
                .addParameterImportance(ParameterImportance.newBuilder().setName("learning_rate").setImportance(0.7))
                .addParameterImportance(ParameterImportance.newBuilder().setName("hidden_size").setImportance(0.2))
                .addParameterImportance(ParameterImportance.newBuilder().setName("dropout").setImportance(0.1))
                .setImportanceMethod("functional ANOVA over the GP mean").setImportanceTrials(spec.getMaxJobs());
        for (int i = 1; i <= spec.getMaxJobs(); i++) {
            t.addTrials(Trial.newBuilder().setTrainingJobName(String.format("%s-%03d", spec.getTuningJobName(), i)).setStatus(JobStatus.JOB_STATUS_COMPLETED)
                    .putHyperparameters("learning_rate", Double.toString(0.001 * i)).putHyperparameters("hidden_size", Integer.toString(32 * i))
                    .putHyperparameters("dropout", Double.toString(0.05 * i)).setHasObjectiveValue(true).setObjectiveValue(1.5 - 0.01 * i));
        }
        t.setBestTrial(t.getTrials(spec.getMaxJobs() - 1));
        tunings.put(TenantKey.encode(tenant, spec.getTuningJobName()), t.build());
    }

    @Override
    public OptionalLong parameters(String tenant, String trainingJobName) {
        tenantsActedIn.add(tenant);
        return jobs.containsKey(TenantKey.encode(tenant, trainingJobName)) ? OptionalLong.of(1_195_400) : OptionalLong.empty();
    }

    // ---- StudyStore

    @Override
    public Optional<Study> find(String tenant, String name) {
        return Optional.ofNullable(studies.get(TenantKey.encode(tenant, name)));
    }

    @Override
    public void save(String tenant, Study study) {
        studies.put(TenantKey.encode(tenant, study.getSpec().getStudyName()), study);
    }

    @Override
    public List<Study> all(String tenant) {
        return studies.entrySet().stream().filter(e -> TenantKey.decode(e.getKey()).tenant().equals(tenant)).map(Map.Entry::getValue).toList();
    }

    @Override
    public List<String> tenants() {
        Set<String> tenants = new LinkedHashSet<>(List.of(Tenants.DEFAULT));
        studies.keySet().forEach(key -> tenants.add(TenantKey.decode(key).tenant()));
        return List.copyOf(tenants);
    }

    @Override
    public void putReportFile(String tenant, String study, String file, byte[] content) {
        files.put(TenantKey.encode(tenant, study) + "/" + file, content);
    }

    @Override
    public Optional<byte[]> reportFile(String tenant, String study, String file) {
        return Optional.ofNullable(files.get(TenantKey.encode(tenant, study) + "/" + file));
    }

    @Override
    public S3Location reportLocation(String tenant, String study) {
        return S3Location.newBuilder().setBucket("lmforge").setKey(ArtifactLayout.of(tenant).studyReportPrefix(study)).build();
    }
}
