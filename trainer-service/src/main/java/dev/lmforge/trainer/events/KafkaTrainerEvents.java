package dev.lmforge.trainer.events;

import dev.lmforge.api.v1.Principal;
import com.google.protobuf.Parser;
import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.ModelReady;
import dev.lmforge.api.v1.TrainRequested;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TrainingProgress;
import dev.lmforge.common.events.EventSender;
import dev.lmforge.common.events.Topics;
import dev.lmforge.common.events.outbox.Outbox;
import dev.lmforge.common.events.outbox.OutboxTopic;
import dev.lmforge.common.security.TenantKey;
import dev.lmforge.common.security.Tenants;
import dev.lmforge.trainer.service.JobStore;
import dev.lmforge.trainer.service.TrainerConfig;
import dev.lmforge.trainer.service.TrainerEvents;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.function.BiConsumer;


/**
 * train.requested waits for the broker's acknowledgement; model.ready goes through the outbox (and
 * waits for it too); progress is sent and forgotten. Every record is keyed by its job's
 * {@link TenantKey} (the bare name in the default tenant, as before tenants), so the same job name in
 * two tenants makes two outbox entries and two keys.
 */
@ApplicationScoped
public class KafkaTrainerEvents implements TrainerEvents, OutboxTopic<ModelReady> {

    private static final Logger LOG = Logger.getLogger(KafkaTrainerEvents.class);
    static final int SCHEMA_VERSION = 1;

    private final EventSender<TrainRequested> requests;
    private final EventSender<ModelReady> models;
    private final Emitter<TrainingProgress> progress;
    private final Outbox outbox;
    private final JobStore jobs;

    public KafkaTrainerEvents(@Channel("train-requested-out") Emitter<TrainRequested> requests,
            @Channel("model-ready") Emitter<ModelReady> models,
            @Channel("training-progress") Emitter<TrainingProgress> progress, TrainerConfig config, Outbox outbox, JobStore jobs) {
        this.requests = new EventSender<>(requests, config.eventAckTimeout());
        this.models = new EventSender<>(models, config.eventAckTimeout());
        this.progress = progress;
        this.outbox = outbox;
        this.jobs = jobs;
    }

    @Override
    public void trainRequested(TrainingJobSpec spec, Principal requestedBy) {
        requests.send(TenantKey.encode(requestedBy.getTenant(), spec.getTrainingJobName()), TrainRequested.newBuilder().setSchemaVersion(SCHEMA_VERSION).setSpec(spec)
                .setRequestedAt(Timestamps.now()).setCausedBy(requestedBy).build());
    }

    @Override
    public void stageModelReady(String tenant, TrainingJob completed) {
        outbox.stage(this, TenantKey.encode(tenant, completed.getSpec().getTrainingJobName()), modelReady(completed));
    }

    @Override
    public void sendModelReady(String tenant, String trainingJobName) {
        outbox.send(this, TenantKey.encode(tenant, trainingJobName));
    }

    @Override
    public String topic() {
        return Topics.MODEL_READY;
    }

    @Override
    public Parser<ModelReady> parser() {
        return ModelReady.parser();
    }

    @Override
    public void send(String key, ModelReady event) {
        models.send(key, event);
    }

    /**
     * A job not ended yet is resumed by a trainer (train.requested is redelivered) and ends Completed or
     * not. Entries staged before tenants (a bare name) are the default tenant's.
     */
    @Override
    public Readiness readiness(String key) {
        TenantKey job = TenantKey.decode(key);
        Optional<TrainingJob> record = jobs.find(job.tenant(), job.id());
        if (record.isEmpty()) {
            return Readiness.GONE;
        }
        return switch (record.get().getStatus()) {
            case JOB_STATUS_COMPLETED -> Readiness.PUBLISHED;
            case JOB_STATUS_FAILED, JOB_STATUS_STOPPED -> Readiness.GONE;
            default -> Readiness.NOT_YET;
        };
    }

    /** The markers predate tenants: only the default tenant's jobs can have one missing. */
    @Override
    public void stageLegacyPending(BiConsumer<String, ModelReady> stage) {
        String after = null;
        do {
            JobStore.Page page = jobs.list(Tenants.DEFAULT, after, 200);
            for (TrainingJob j : page.jobs()) {
                String name = j.getSpec().getTrainingJobName();
                if (j.getStatus() == JobStatus.JOB_STATUS_COMPLETED && !jobs.hasLegacyModelReadyMarker(name)) {
                    stage.accept(TenantKey.encode(Tenants.DEFAULT, name), modelReady(j));
                }
            }
            after = page.nextStartAfter();
        } while (after != null);
    }

    private static ModelReady modelReady(TrainingJob job) {
        return ModelReady.newBuilder().setSchemaVersion(SCHEMA_VERSION)
                .setTrainingJobName(job.getSpec().getTrainingJobName()).setDatasetId(job.getSpec().getDatasetId())
                .setModelLocation(job.getModelLocation()).addAllFinalMetrics(job.getFinalMetricsList())
                .setTuningJobName(job.getSpec().getTuningJobName()).setStudyName(job.getSpec().getStudyName())
                .setReadyAt(Timestamps.now()).setCausedBy(job.getCreatedBy()).build();
    }

    @Override
    public void progress(String tenant, TrainingProgress p) {
        try {
            progress.send(Message.of(p.toBuilder().setSchemaVersion(SCHEMA_VERSION).build())
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(TenantKey.encode(tenant, p.getTrainingJobName())).build()));
        } catch (RuntimeException e) {
            LOG.debugf("progress of %s not sent: %s", p.getTrainingJobName(), e.getMessage());
        }
    }
}
