package dev.lmforge.common.events;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The broker that ./lmforge test starts lets in only known users, each to its own topics
 * (infra/kafka-acls.properties): no door without a password, a wrong password refused, a service
 * kept off another service's topic. The passwords come from the environment that ./lmforge test exports.
 */
class KafkaAccessTest {

    private static final String HOW = "run the tests with ./lmforge test, which starts the broker and exports the Kafka users' passwords";

    private final String bootstrap = required("KAFKA_BOOTSTRAP_SERVERS");
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aProducerWithoutSaslCannotWrite() {
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", bootstrap, "security.protocol", "PLAINTEXT"));
        String key = "no-sasl-" + run;
        // The SASL listener drops a client that does not authenticate: it never gets the topic's metadata.
        assertRefused(config, Topics.TRAIN_REQUESTED, key, org.apache.kafka.common.errors.TimeoutException.class);
        assertNotOnTopic(Topics.TRAIN_REQUESTED, key);
    }

    @Test
    void aWrongPasswordIsRefused() {
        required(KafkaLogin.passwordVariable(KafkaLogin.OPERATOR));
        String key = "wrong-password-" + run;
        assertRefused(KafkaLogin.scram(bootstrap, KafkaLogin.OPERATOR, "not-" + run), Topics.TRAIN_REQUESTED, key,
                SaslAuthenticationException.class);
        assertNotOnTopic(Topics.TRAIN_REQUESTED, key);
    }

    @Test
    void aServiceWritesItsOwnTopicsOnly() throws Exception {
        Map<String, Object> tokenizer = login("tokenizer-service");
        String key = "tokenizer-" + run;
        assertRefused(tokenizer, Topics.TRAIN_REQUESTED, key, TopicAuthorizationException.class);
        assertNotOnTopic(Topics.TRAIN_REQUESTED, key);
        // its own topic (no service consumes tokens.ready, so the record disturbs nothing)
        assertEquals(Topics.TOKENS_READY, send(tokenizer, Topics.TOKENS_READY, key).topic());
    }

    @Test
    void theOperatorWritesAnyTopic() throws Exception {
        // A trainer, if one runs, dead-letters this record (it is no TrainRequested), as it does any foreign record.
        RecordMetadata sent = send(login(KafkaLogin.OPERATOR), Topics.TRAIN_REQUESTED, "operator-" + run);
        assertEquals(Topics.TRAIN_REQUESTED, sent.topic());
    }

    private Map<String, Object> login(String user) {
        return KafkaLogin.scram(bootstrap, user, required(KafkaLogin.passwordVariable(user)));
    }

    private static RecordMetadata send(Map<String, Object> client, String topic, String key) throws Exception {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, ("kafka access test " + key).getBytes(StandardCharsets.UTF_8)))
                    .get(15, TimeUnit.SECONDS);
        }
    }

    /** The send fails with {@code expected}, whether send() throws it or its result does. */
    private static void assertRefused(Map<String, Object> client, String topic, String key, Class<? extends Exception> expected) {
        try {
            RecordMetadata sent = send(client, topic, key);
            fail(key + " was written to " + sent + " although the broker should refuse it");
        } catch (ExecutionException e) {
            assertInstanceOf(expected, e.getCause(), key);
        } catch (Exception e) {
            assertInstanceOf(expected, e, key);
        }
    }

    /** Reads the topic as the operator: no record of {@code key} got through. */
    private void assertNotOnTopic(String topic, String key) {
        Map<String, Object> config = login(KafkaLogin.OPERATOR);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    assertFalse(key.equals(r.key()), key + " is on " + topic + " at " + r.offset());
                }
                if (System.nanoTime() > deadline) {
                    fail("could not read " + topic + " to its end within 30 s");
                }
            }
        }
    }

    private static String required(String variable) {
        String value = System.getenv(variable);
        assertNotNull(value, variable + " is not set: " + HOW);
        return value;
    }
}
