package dev.lmforge.tuner.platform;

import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.CleaningOptions;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusServiceGrpc;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.api.v1.CreateDatasetRequest;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.DatasetServiceGrpc;
import dev.lmforge.api.v1.GetCorpusRequest;
import dev.lmforge.api.v1.GetDatasetRequest;
import dev.lmforge.api.v1.ImportCorpusRequest;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.api.v1.TuningJobSpec;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.security.ServiceIdentity;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.tuner.service.Trials;
import dev.lmforge.tuner.service.TuningJobs;
import dev.lmforge.tuner.study.StudyPlatform;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A study's operations through the platform's own APIs: corpora through the preprocess-service,
 * datasets through the tokenizer-service, training jobs on train.requested (as the tuner's trials),
 * tuning jobs in this service. The other services are called with the tuner's identity, as acting in
 * the study's tenant.
 */
@ApplicationScoped
public class ServicesStudyPlatform implements StudyPlatform {

    private final CorpusServiceGrpc.CorpusServiceBlockingStub corpora;
    private final DatasetServiceGrpc.DatasetServiceBlockingStub datasets;
    private final Trials trials;
    private final TuningJobs tuning;
    private final ArtifactStore store;

    public ServicesStudyPlatform(@GrpcClient("preprocess") CorpusServiceGrpc.CorpusServiceBlockingStub corpora,
            @GrpcClient("tokenizer") DatasetServiceGrpc.DatasetServiceBlockingStub datasets, Trials trials, TuningJobs tuning, ArtifactStore store) {
        this.corpora = corpora;
        this.datasets = datasets;
        this.trials = trials;
        this.tuning = tuning;
        this.store = store;
    }

    @Override
    public Optional<Corpus> findCorpus(String tenant, String corpusId) {
        return orNotFound(() -> ServiceIdentity.inTenant(corpora, tenant).withDeadlineAfter(30, TimeUnit.SECONDS).getCorpus(GetCorpusRequest.newBuilder().setCorpusId(corpusId).build()));
    }

    @Override
    public Corpus importWithoutStopwords(String tenant, Corpus original, String corpusId) {
        CleaningOptions was = original.getSpec().getCleaning();
        String language = !was.getLanguagesList().isEmpty() ? was.getLanguages(0) : was.getStopwordsLanguage();
        // The splits are already clean: only the stop words go, every remaining line stays where it was.
        CorpusSpec spec = CorpusSpec.newBuilder().setName(corpusId).setDocumentBoundary(original.getSpec().getDocumentBoundary())
                .setCleaning(CleaningOptions.newBuilder().setRemoveStopwords(true).setStopwordsLanguage(language).setKeepDuplicates(true))
                .putTags("lmforge.dev/derived-from", original.getCorpusId()).build();
        ImportCorpusRequest request = ImportCorpusRequest.newBuilder().setSpec(spec).setTrainUri(uri(original.getSplitsOrThrow("train")))
                .setValidationUri(uri(original.getSplitsOrThrow("validation"))).setTestUri(uri(original.getSplitsOrThrow("test"))).build();
        try {
            return ServiceIdentity.inTenant(corpora, tenant).withDeadlineAfter(30, TimeUnit.MINUTES).importCorpus(request);
        } catch (StatusRuntimeException e) {
            throw new IllegalStateException("importing " + corpusId + " failed: " + e.getStatus().getDescription(), e);
        }
    }

    private static String uri(S3Location location) {
        return "s3://" + location.getBucket() + "/" + location.getKey();
    }

    @Override
    public Optional<Dataset> findDataset(String tenant, String datasetId) {
        return orNotFound(() -> ServiceIdentity.inTenant(datasets, tenant).withDeadlineAfter(30, TimeUnit.SECONDS).getDataset(GetDatasetRequest.newBuilder().setDatasetId(datasetId).build()));
    }

    @Override
    public void createDataset(String tenant, String datasetId, String corpusId, TokenizerSpec tokenizer) {
        try {
            ServiceIdentity.inTenant(datasets, tenant).withDeadlineAfter(60, TimeUnit.SECONDS).createDataset(CreateDatasetRequest.newBuilder().setDatasetId(datasetId)
                    .setCorpusId(corpusId).setTokenizer(tokenizer).build());
        } catch (StatusRuntimeException e) {
            throw new IllegalStateException("creating dataset " + datasetId + " failed: " + e.getStatus().getDescription(), e);
        }
    }

    @Override
    public Optional<TrainingJob> findTrainingJob(String tenant, String name) {
        return trials.find(tenant, name);
    }

    @Override
    public void requestTrainingJob(String tenant, TrainingJobSpec spec, Principal requestedBy) {
        trials.request(tenant, spec, requestedBy);
    }

    @Override
    public Optional<TuningJob> findTuningJob(String tenant, String name) {
        try {
            return Optional.of(tuning.describe(tenant, name));
        } catch (LmForgeException e) {
            if (e.kind() == LmForgeException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void createTuningJob(String tenant, TuningJobSpec spec, Principal createdBy) {
        tuning.create(tenant, spec, createdBy);
    }

    @Override
    public OptionalLong parameters(String tenant, String trainingJobName) {
        return store.read(ArtifactLayout.of(tenant).modelManifest(trainingJobName))
                .map(json -> OptionalLong.of(ProtoJson.merge(json, ModelCard.newBuilder()).getParameters())).orElse(OptionalLong.empty());
    }

    private static <T> Optional<T> orNotFound(Supplier<T> call) {
        try {
            return Optional.of(call.get());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
