package dev.lmforge.trainer.grpc;

import dev.lmforge.api.v1.TrainRequested;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.common.events.ProtoEventSerializer;
import dev.lmforge.common.events.Topics;
import dev.lmforge.common.testing.EventProbe;
import dev.lmforge.common.testing.TestPrincipals;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Training requests produced straight onto train.requested, as an editor's (what the tuner and other producers do). */
final class TrainRequests {

    private TrainRequests() {
    }

    /**
     * Sends the requests in order, keyed by job name; with a partition, all onto it, so that a
     * consumer sees them in this order.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void send(Integer partition, TrainingJobSpec... specs) throws Exception {
        try (KafkaProducer<String, TrainRequested> producer = new KafkaProducer<>(EventProbe.client(), new StringSerializer(),
                (Serializer) new ProtoEventSerializer())) {
            for (TrainingJobSpec spec : specs) {
                producer.send(new ProducerRecord<>(Topics.TRAIN_REQUESTED, partition, spec.getTrainingJobName(),
                        TestPrincipals.byEditor(TrainRequested.newBuilder().setSchemaVersion(1).setSpec(spec).build()))).get();
            }
        }
    }
}
