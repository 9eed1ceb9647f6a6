package dev.lmforge.common.testing;

import com.google.protobuf.Message;
import dev.lmforge.common.events.DeadLetters;
import dev.lmforge.common.events.EventHeaders;
import dev.lmforge.common.security.Role;
import dev.lmforge.common.security.Tenants;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile records every consumer must survive: bytes that are no event, JSON of the wrong shape,
 * empty values, and events that decode but name an invalid or missing resource. Each is sent under a
 * key of its own so that its dead letter can be found and checked.
 */
public final class PoisonRecords {

    /** One poison record as sent, and the dead-letter reason it must come back with. */
    public record Poison(String key, byte[] value, boolean json, String reason) {
    }

    private final String topic;
    private final Map<String, Poison> sent = new LinkedHashMap<>();

    public PoisonRecords(String topic) {
        this.topic = topic;
    }

    /**
     * Sends the whole sequence: {@code naming} builds an event that names a given id (a corpus,
     * a job...); {@code missingReference}, if not null, is an event that refers to nothing that exists.
     */
    public PoisonRecords sendAll(String run, Function<String, Message> naming, Message missingReference) {
        String invalid = DeadLetters.Reason.INVALID.header;
        String undecodable = DeadLetters.Reason.UNDECODABLE.header;
        send(run + "-truncated", new byte[] {0x0A, 0x7F}, false, undecodable);
        send(run + "-not-json", "{not json".getBytes(StandardCharsets.UTF_8), true, undecodable);
        send(run + "-wrong-json-type", "{\"schemaVersion\": {\"nested\": true}}".getBytes(StandardCharsets.UTF_8), true, undecodable);
        send(run + "-empty", new byte[0], false, undecodable);
        send(run + "-tombstone", null, false, undecodable);
        send(run + "-dot-dot", TestPrincipals.byAdmin(naming.apply("../x")).toByteArray(), false, invalid);
        send(run + "-nul", TestPrincipals.byAdmin(naming.apply("a\u0000b")).toByteArray(), false, invalid);
        send(run + "-300-chars", TestPrincipals.byAdmin(naming.apply("x".repeat(300))).toByteArray(), false, invalid);
        send(run + "-empty-id", TestPrincipals.byAdmin(naming.apply("")).toByteArray(), false, invalid);
        if (missingReference != null) {
            send(run + "-missing", TestPrincipals.byAdmin(missingReference).toByteArray(), false, invalid);
        }
        // Well-formed events that no one with the right may have asked for: refused before any work.
        String unauthorized = DeadLetters.Reason.UNAUTHORIZED.header;
        send(run + "-no-principal", TestPrincipals.withoutPrincipal(naming.apply(run + "-no-principal")).toByteArray(), false, unauthorized);
        send(run + "-viewer", TestPrincipals.causedBy(naming.apply(run + "-viewer"), Role.VIEWER, Tenants.DEFAULT).toByteArray(), false, unauthorized);
        send(run + "-bad-tenant", TestPrincipals.causedBy(naming.apply(run + "-bad-tenant"), Role.ADMIN, "../x").toByteArray(), false, unauthorized);
        return this;
    }

    /** Sends a record as a plain producer would: binary protobuf, or JSON with its content type. */
    public static RecordMetadata produce(String topic, String key, byte[] value, boolean json) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(EventProbe.client(),
                new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
            if (json) {
                record.headers().add(EventHeaders.CONTENT_TYPE, EventHeaders.JSON.getBytes(StandardCharsets.UTF_8));
            }
            return producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not produce to " + topic, e);
        }
    }

    /**
     * Waits until a live member of a consumer group whose id starts with {@code groupPrefix} has
     * partitions of {@code topic}: a consumer that starts at the latest offset misses what was sent before.
     */
    public static void awaitAssigned(String groupPrefix, String topic, Duration wait) {
        try (Admin admin = Admin.create(EventProbe.client())) {
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                List<String> groups = admin.listConsumerGroups().all().get().stream().map(ConsumerGroupListing::groupId)
                        .filter(g -> g.startsWith(groupPrefix)).toList();
                boolean assigned = admin.describeConsumerGroups(groups).all().get().values().stream()
                        .flatMap(g -> g.members().stream())
                        .anyMatch(m -> m.assignment().topicPartitions().stream().anyMatch(tp -> tp.topic().equals(topic)));
                if (assigned) {
                    return;
                }
                Thread.sleep(250);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not describe the consumer groups " + groupPrefix + "*", e);
        }
        throw new AssertionError("no consumer of group " + groupPrefix + "* was assigned " + topic + " within " + wait);
    }

    /** Sends a record and waits until the group has committed an offset past it: the consumer got there and went on. */
    public static void awaitConsumed(String group, String topic, String key, byte[] value, Duration wait) {
        RecordMetadata sent = produce(topic, key, value, false);
        TopicPartition partition = new TopicPartition(topic, sent.partition());
        try (Admin admin = Admin.create(EventProbe.client())) {
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(partition);
                if (committed != null && committed.offset() > sent.offset()) {
                    return;
                }
                Thread.sleep(250);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not read the offsets of group " + group, e);
        }
        throw new AssertionError("group " + group + " did not consume " + partition + "@" + sent.offset() + " within " + wait);
    }

    private void send(String key, byte[] value, boolean json, String reason) {
        produce(topic, key, value, json);
        sent.put(key, new Poison(key, value, json, reason));
    }

    /** Waits until every poison record is in the service's dead-letter topic, then checks each one. */
    public void assertDeadLettered(String service, Duration wait) {
        String deadLetters = DeadLetters.topic(service);
        Map<String, ConsumerRecord<String, byte[]>> found = new HashMap<>();
        Map<String, Object> config = EventProbe.client();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(deadLetters).stream()
                    .map(p -> new TopicPartition(deadLetters, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + wait.toNanos();
            while (found.size() < sent.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (sent.containsKey(r.key())) {
                        found.put(r.key(), r);
                    }
                }
            }
        }
        assertEquals(sent.keySet(), found.keySet(), "every poison record of " + topic + " is in " + deadLetters);
        for (Poison p : sent.values()) {
            ConsumerRecord<String, byte[]> r = found.get(p.key());
            assertArrayEquals(p.value(), r.value(), p.key() + ": the original value");
            assertEquals(p.reason(), header(r, DeadLetters.REASON), p.key() + ": " + header(r, DeadLetters.MESSAGE));
            assertEquals(service, header(r, DeadLetters.SERVICE));
            assertEquals(topic, header(r, DeadLetters.ORIGINAL_TOPIC));
            assertTrue(header(r, DeadLetters.MESSAGE) != null && !header(r, DeadLetters.MESSAGE).isBlank(), p.key() + " says why");
            if (p.json()) {
                assertEquals(EventHeaders.JSON, header(r, EventHeaders.CONTENT_TYPE), "the original headers travel along");
            }
        }
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return topic + " " + Arrays.toString(sent.keySet().toArray());
    }
}
