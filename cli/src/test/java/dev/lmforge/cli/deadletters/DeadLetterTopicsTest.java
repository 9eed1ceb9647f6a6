package dev.lmforge.cli.deadletters;

import dev.lmforge.api.v1.ModelReady;
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
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dlq list, show and replay against the real broker that ./lmforge test starts, as lmforge-cli (the
 * operator's user, which may read the dead-letter topics and write any LM Forge topic, but create none:
 * the dead letter goes to a service's existing dead-letter topic).
 */
@EnabledIfEnvironmentVariable(named = "KAFKA_BOOTSTRAP_SERVERS", matches = ".+")
class DeadLetterTopicsTest {

    private static final String SERVICE = "inference-service";
    private static final String PASSWORD_VARIABLE = "LMFORGE_KAFKA_PASSWORD_LMFORGE_CLI";

    private final String bootstrap = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
    private final String password = System.getenv(PASSWORD_VARIABLE);
    private final DeadLetterTopics deadLetters = new DeadLetterTopics(bootstrap, "SASL_PLAINTEXT", "lmforge-cli", Optional.ofNullable(password));

    @Test
    void aDeadLetterIsListedShownAndReplayedToItsTopicWithItsOriginalHeaders() throws Exception {
        assertNotNull(password, PASSWORD_VARIABLE + " is not set: run the tests with ./lmforge test, which exports the Kafka users' passwords");
        String key = "job-cli-test-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] value = ModelReady.newBuilder().setSchemaVersion(1).setTrainingJobName(key).build().toByteArray();
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(DeadLetterTopics.TOPIC_PREFIX + SERVICE, key, value);
        dead.headers().add("lmforge-message-type", bytes("lmforge.v1.ModelReady"));
        dead.headers().add(DeadLetterTopics.ORIGINAL_TOPIC, bytes("lmforge.model.ready"));
        dead.headers().add(DeadLetterTopics.MESSAGE, bytes("model x could not be loaded"));
        dead.headers().add(DeadLetterTopics.REASON, bytes("invalid"));
        RecordMetadata sent;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(client(), new StringSerializer(), new ByteArraySerializer())) {
            sent = producer.send(dead).get();
        }

        String id = SERVICE + "/" + sent.offset();
        assertTrue(deadLetters.list(SERVICE).stream().anyMatch(d -> d.id().equals(id) && key.equals(d.key())), id + " is listed");
        DeadLetterTopics.DeadLetter d = deadLetters.get(id);
        assertEquals("invalid", d.header(DeadLetterTopics.REASON));
        assertTrue(d.readableValue().contains("\"trainingJobName\": \"" + key + "\""), d.readableValue());
        String json = com.google.protobuf.util.JsonFormat.printer().print(DlqListCommand.json(java.util.List.of(d)));
        assertTrue(json.contains("\"reason\": \"invalid\"") && json.contains("\"topic\": \"lmforge.model.ready\"")
                && json.contains("\"id\": \"" + id + "\""), "dlq list -o json: " + json);
        assertThrows(IllegalArgumentException.class, () -> deadLetters.get(SERVICE + "/x"));
        assertThrows(IllegalArgumentException.class, () -> deadLetters.get(SERVICE + "/" + (sent.offset() + 1_000_000)));

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
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(client(), new StringDeserializer(), new ByteArrayDeserializer())) {
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

    private Map<String, Object> client() {
        return Map.of("bootstrap.servers", bootstrap, "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"lmforge-cli\" password=\""
                        + password + "\";");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
