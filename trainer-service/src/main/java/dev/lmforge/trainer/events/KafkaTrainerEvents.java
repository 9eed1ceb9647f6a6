package dev.lmforge.trainer.events;

import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.ModelReady;
import dev.lmforge.api.v1.TrainRequested;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TrainingProgress;
import dev.lmforge.common.events.EventSender;
import dev.lmforge.trainer.service.TrainerConfig;
import dev.lmforge.trainer.service.TrainerEvents;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;


/** train.requested and model.ready wait for the broker's acknowledgement; progress is sent and forgotten. */
@ApplicationScoped
public class KafkaTrainerEvents implements TrainerEvents {

    private static final Logger LOG = Logger.getLogger(KafkaTrainerEvents.class);
    static final int SCHEMA_VERSION = 1;

    private final EventSender<TrainRequested> requests;
    private final EventSender<ModelReady> models;
    private final Emitter<TrainingProgress> progress;

    public KafkaTrainerEvents(@Channel("train-requested-out") Emitter<TrainRequested> requests,
            @Channel("model-ready") Emitter<ModelReady> models,
            @Channel("training-progress") Emitter<TrainingProgress> progress, TrainerConfig config) {
        this.requests = new EventSender<>(requests, config.eventAckTimeout());
        this.models = new EventSender<>(models, config.eventAckTimeout());
        this.progress = progress;
    }

    @Override
    public void trainRequested(TrainingJobSpec spec) {
        requests.send(spec.getTrainingJobName(), TrainRequested.newBuilder().setSchemaVersion(SCHEMA_VERSION).setSpec(spec)
                .setRequestedAt(Timestamps.now()).build());
    }

    @Override
    public void modelReady(TrainingJob job) {
        models.send(job.getSpec().getTrainingJobName(), ModelReady.newBuilder().setSchemaVersion(SCHEMA_VERSION)
                .setTrainingJobName(job.getSpec().getTrainingJobName()).setDatasetId(job.getSpec().getDatasetId())
                .setModelLocation(job.getModelLocation()).addAllFinalMetrics(job.getFinalMetricsList())
                .setTuningJobName(job.getSpec().getTuningJobName()).setStudyName(job.getSpec().getStudyName())
                .setReadyAt(Timestamps.now()).build());
    }

    @Override
    public void progress(TrainingProgress p) {
        try {
            progress.send(Message.of(p.toBuilder().setSchemaVersion(SCHEMA_VERSION).build())
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(p.getTrainingJobName()).build()));
        } catch (RuntimeException e) {
            LOG.debugf("progress of %s not sent: %s", p.getTrainingJobName(), e.getMessage());
        }
    }
}
