package dev.lmforge.tuner.platform;

import dev.lmforge.api.v1.Principal;
import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.CreateTrainingJobRequest;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.StopTrainingJobRequest;
import dev.lmforge.api.v1.TrainRequested;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.events.EventSender;
import dev.lmforge.common.security.ServiceIdentity;
import dev.lmforge.common.security.TenantKey;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.PublishedDatasets;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.tuner.service.TunerConfig;
import dev.lmforge.tuner.service.Trials;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Trials through the platform's own channels: requested on train.requested (as any producer may),
 * read from the trainer's records in S3, stopped through the trainer's gRPC API. Each works in one
 * tenant: its layout in S3, its {@link TenantKey} on Kafka, and the trainer called as acting in it.
 */
@ApplicationScoped
public class PlatformTrials implements Trials {

    private static final Logger LOG = Logger.getLogger(PlatformTrials.class);

    private final ArtifactStore store;
    private final EventSender<TrainRequested> requests;
    private final TrainingServiceGrpc.TrainingServiceBlockingStub trainer;

    public PlatformTrials(ArtifactStore store, @Channel("train-requested") Emitter<TrainRequested> emitter, TunerConfig config,
            @GrpcClient("trainer") TrainingServiceGrpc.TrainingServiceBlockingStub trainer) {
        this.store = store;
        this.requests = new EventSender<>(emitter, config.eventAckTimeout());
        this.trainer = trainer;
    }

    /** The trainer, called with the tuner's identity as acting in the tenant. */
    private TrainingServiceGrpc.TrainingServiceBlockingStub trainerIn(String tenant) {
        return ServiceIdentity.inTenant(trainer, tenant);
    }

    @Override
    public Optional<TrainingJob> find(String tenant, String trainingJobName) {
        return store.read(ArtifactLayout.of(tenant).trainingJobStatus(trainingJobName)).map(json -> ProtoJson.merge(json, TrainingJob.newBuilder()).build());
    }

    @Override
    public Dataset dataset(String tenant, String datasetId) {
        return PublishedDatasets.require(store, tenant, datasetId, Dataset.newBuilder()).build();
    }

    @Override
    public void check(String tenant, TrainingJobSpec spec) {
        try {
            trainerIn(tenant).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .createTrainingJob(CreateTrainingJobRequest.newBuilder().setSpec(spec).setValidateOnly(true).build());
        } catch (StatusRuntimeException e) {
            switch (e.getStatus().getCode()) {
                case INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, RESOURCE_EXHAUSTED ->
                        throw LmForgeException.invalidArgument("the trainer would refuse the trials %s: %s", spec.getHyperparametersMap(),
                                e.getStatus().getDescription());
                default -> throw LmForgeException.unavailable("the trainer could not check the trials: " + e.getStatus(), e);
            }
        }
    }

    @Override
    public void request(String tenant, TrainingJobSpec spec, Principal requestedBy) {
        requests.send(TenantKey.encode(tenant, spec.getTrainingJobName()), TrainRequested.newBuilder().setSchemaVersion(1).setSpec(spec)
                .setRequestedAt(Timestamps.now()).setCausedBy(requestedBy).build());
    }

    @Override
    public void stop(String tenant, String trainingJobName) {
        try {
            trainerIn(tenant).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .stopTrainingJob(StopTrainingJobRequest.newBuilder().setTrainingJobName(trainingJobName).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.FAILED_PRECONDITION && e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                LOG.warnf("stopping trial %s failed (%s); will try again", trainingJobName, e.getStatus());
            }
        }
    }
}
