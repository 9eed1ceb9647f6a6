package dev.lmforge.trainer.events;

import dev.lmforge.api.v1.TrainRequested;
import dev.lmforge.common.events.EventConsumer;
import dev.lmforge.common.events.ProtoEventDeserializer;
import dev.lmforge.trainer.service.JobRunner;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Trainers are one consumer group on train.requested: each request runs to its end inside the
 * handler, and its offset is committed only then. The connector keeps polling (with the partition
 * paused) while a job runs, so the trainer stays in its group for hours; if it dies, the request is
 * delivered again to another trainer, which resumes the job from its last checkpoint. A request that
 * can never run (an invalid job name, a spec that fails validation) goes to the dead-letter topic.
 */
@ApplicationScoped
public class TrainRequestedListener {

    private static final ProtoEventDeserializer<TrainRequested> DECODER = new ProtoEventDeserializer<>(TrainRequested.getDefaultInstance());

    private final JobRunner runner;
    private final EventConsumer consumer;

    public TrainRequestedListener(JobRunner runner, EventConsumer consumer) {
        this.runner = runner;
        this.consumer = consumer;
    }

    @Incoming("train-requested")
    public Uni<Void> onTrainRequested(Message<byte[]> record) {
        return consumer.consume(record, DECODER, request -> runner.run(request.getSpec(), request.getCausedBy()));
    }
}
