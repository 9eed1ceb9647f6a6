package dev.lmforge.inference.grpc;

import dev.lmforge.common.testing.TestPrincipals;
import dev.lmforge.api.v1.ModelReady;
import dev.lmforge.common.events.ProtoEventSerializer;
import dev.lmforge.common.events.Topics;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.testing.EventProbe;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Publishes the models in src/test/resources/models (exported by the trainer's ServingFixture) into
 * S3 exactly where a training job publishes its model, and announces them as the trainer does.
 */
final class ModelFixtures {

    static final Path MODELS = Path.of("src/test/resources/models");

    private ModelFixtures() {
    }

    /** A new model version with the files of fixture {@code name}; returns the version (the "training job" name). */
    static String publish(ArtifactStore store, String name) throws IOException {
        String version = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        ArtifactLayout layout = ArtifactLayout.shared();
        Path dir = MODELS.resolve(name);
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String relative = dir.relativize(f).toString();
                if (!relative.equals(ArtifactLayout.MODEL_MARKER)) {
                    store.put(layout.modelFile(version, relative), Files.readAllBytes(f), "application/octet-stream");
                }
            }
        }
        store.publish(layout.modelPrefix(version), ArtifactLayout.MODEL_MARKER, Files.readAllBytes(dir.resolve(ArtifactLayout.MODEL_MARKER)));
        return version;
    }

    /** A model whose SavedModel is garbage but whose card and tokenizer are fine. */
    static String publishCorrupt(ArtifactStore store) throws IOException {
        String version = publish(store, "europarl-a");
        store.put(ArtifactLayout.shared().modelFile(version, "saved_model.pb"), "not a graph".getBytes(), "application/octet-stream");
        return version;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void announce(List<String> versions) {
        try (KafkaProducer<String, ModelReady> producer = new KafkaProducer<>(EventProbe.client(),
                new StringSerializer(), (Serializer) new ProtoEventSerializer())) {
            for (String v : versions) {
                producer.send(new ProducerRecord<>(Topics.MODEL_READY, v, TestPrincipals.byEditor(ModelReady.newBuilder().setSchemaVersion(1).setTrainingJobName(v).build())));
            }
            producer.flush();
        }
    }
}
