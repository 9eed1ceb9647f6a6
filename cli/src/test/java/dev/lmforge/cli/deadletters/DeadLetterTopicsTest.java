package dev.lmforge.cli.deadletters;

import dev.lmforge.api.v1.ModelReady;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** dlq list, show and replay against the real broker that ./lmforge test starts. */
@EnabledIfEnvironmentVariable(named = "KAFKA_BOOTSTRAP_SERVERS", matches = ".+")
class DeadLetterTopicsTest {

    private final String bootstrap = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
    private final DeadLetterTopics deadLetters = new DeadLetterTopics(bootstrap);

    @Test
    void aDeadLetterIsListedShownAndReplayedToItsTopicWithItsOriginalHeaders() throws Exception {
        String service = "cli-test-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(DeadLetterTopics.TOPIC_PREFIX + service, 1, (short) 1))).all().get();
        }
        String key = "job-" + service;
        byte[] value = ModelReady.newBuilder().setSchemaVersion(1).setTrainingJobName(key).build().toByteArray();
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(DeadLetterTopics.TOPIC_PREFIX + service, key, value);
        dead.headers().add("lmforge-message-type", bytes("lmforge.v1.ModelReady"));
        dead.headers().add(DeadLetterTopics.ORIGINAL_TOPIC, bytes("lmforge.model.ready"));
        dead.headers().add(DeadLetterTopics.MESSAGE, bytes("model x could not be loaded"));
        dead.headers().add(DeadLetterTopics.REASON, bytes("invalid"));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(dead).get();
        }

        List<DeadLetterTopics.DeadLetter> listed = deadLetters.list(service);
        assertEquals(1, listed.size());
        DeadLetterTopics.DeadLetter d = deadLetters.get(service + "/0");
        assertEquals("invalid", d.header(DeadLetterTopics.REASON));
        assertTrue(d.readableValue().contains("\"trainingJobName\": \"" + key + "\""), d.readableValue());
        assertThrows(IllegalArgumentException.class, () -> deadLetters.get(service + "/x"));
        assertThrows(IllegalArgumentException.class, () -> deadLetters.get(service + "/7"));

        RecordMetadata replayed = deadLetters.replay(d);
        assertEquals("lmforge.model.ready", replayed.topic());
        ConsumerRecord<String, byte[]> back = read(replayed);
        assertEquals(key, back.key());
        assertArrayEquals(value, back.value());
        List<String> headers = Arrays.stream(back.headers().toArray()).map(Header::key).toList();
        assertEquals(List.of("lmforge-message-type", DeadLetterTopics.REPLAYED_FROM), headers, "the dead-letter headers stay behind");
        assertNull(back.headers().lastHeader(DeadLetterTopics.REASON));
    }

    private ConsumerRecord<String, byte[]> read(RecordMetadata at) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(at.topic(), at.partition());
            consumer.assign(List.of(partition));
            consumer.seek(partition, at.offset());
            for (int i = 0; i < 50; i++) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() == at.offset()) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("the replayed record is not at " + at);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
