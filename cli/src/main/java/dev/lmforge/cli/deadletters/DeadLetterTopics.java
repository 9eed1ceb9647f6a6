package dev.lmforge.cli.deadletters;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.lmforge.api.v1.CorpusIngested;
import dev.lmforge.api.v1.ModelReady;
import dev.lmforge.api.v1.TrainRequested;
import dev.lmforge.api.v1.TrainingProgress;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The services' dead-letter topics ({@code lmforge.dlq.<service>}), read straight from Kafka as the
 * connector wrote them: the original key, value and headers, plus the headers that say why. A
 * record's id is {@code <service>/<offset>} (each dead-letter topic has one partition).
 */
@ApplicationScoped
public class DeadLetterTopics {

    /** The names that dev.lmforge.common.events.DeadLetters writes (DeadLetterTopicsTest checks that they agree). */
    static final String TOPIC_PREFIX = "lmforge.dlq.";
    static final String REASON = "lmforge-dlq-reason";
    static final String ORIGINAL_TOPIC = "dead-letter-topic";
    static final String MESSAGE = "dead-letter-reason";
    static final String REPLAYED_FROM = "lmforge-replayed-from";
    private static final List<String> ADDED_HEADER_PREFIXES = List.of("dead-letter-", "lmforge-dlq-", "deserialization-failure-");

    /** A consumed topic's message type, to show a dead letter's value as JSON when it decodes. */
    private static final Map<String, Message> TYPES = Map.of(
            "lmforge.corpus.ingested", CorpusIngested.getDefaultInstance(),
            "lmforge.train.requested", TrainRequested.getDefaultInstance(),
            "lmforge.model.ready", ModelReady.getDefaultInstance(),
            "lmforge.training.progress", TrainingProgress.getDefaultInstance());

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    public record DeadLetter(String id, String service, long offset, Instant time, String key, byte[] value, List<Header> headers) {

        public String header(String name) {
            for (int i = headers.size() - 1; i >= 0; i--) {
                if (headers.get(i).key().equals(name)) {
                    byte[] v = headers.get(i).value();
                    return v == null ? null : new String(v, StandardCharsets.UTF_8);
                }
            }
            return null;
        }

        /** The value as the event's JSON when it decodes, else as text (or bytes) for a person to read. */
        public String readableValue() {
            if (value == null) {
                return "(no value)";
            }
            Message type = TYPES.get(header(ORIGINAL_TOPIC));
            if (type != null) {
                try {
                    return JsonFormat.printer().print(type.getParserForType().parseFrom(value));
                } catch (InvalidProtocolBufferException notBinary) {
                    // JSON or garbage: shown as it came
                }
            }
            String text = new String(value, StandardCharsets.UTF_8);
            return text.length() > 4000 ? text.substring(0, 4000) + "... (" + value.length + " bytes)" : text;
        }
    }

    private final String bootstrap;
    private final String protocol;
    private final String user;
    private final Optional<String> password;

    DeadLetterTopics(@ConfigProperty(name = "lmforge.kafka.bootstrap-servers") String bootstrap,
            @ConfigProperty(name = "lmforge.kafka.security-protocol") String protocol,
            @ConfigProperty(name = "lmforge.kafka.user") String user,
            @ConfigProperty(name = "lmforge.kafka.password") Optional<String> password) {
        this.bootstrap = bootstrap;
        this.protocol = protocol;
        this.user = user;
        this.password = password;
    }

    /** The dead letters of every service (or of one), oldest first within a service. */
    public List<DeadLetter> list(String service) {
        List<String> topics = topics().stream().filter(t -> service == null || t.equals(TOPIC_PREFIX + service)).sorted().toList();
        if (topics.isEmpty()) {
            return List.of();
        }
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String t : topics) {
                consumer.partitionsFor(t, TIMEOUT).forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            List<DeadLetter> out = new ArrayList<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, TIMEOUT) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String svc = r.topic().substring(TOPIC_PREFIX.length());
                    out.add(new DeadLetter(svc + "/" + r.offset(), svc, r.offset(), Instant.ofEpochMilli(r.timestamp()), r.key(), r.value(),
                            List.of(r.headers().toArray())));
                }
            }
            out.sort(Comparator.comparing(DeadLetter::service).thenComparingLong(DeadLetter::offset));
            return out;
        }
    }

    public DeadLetter get(String id) {
        String[] parts = id.split("/", 2);
        if (parts.length != 2 || !parts[1].matches("[0-9]{1,18}")) {
            throw new IllegalArgumentException("'" + id + "' is not a dead letter's id: expected SERVICE/OFFSET, as 'dlq list' shows");
        }
        return list(parts[0]).stream().filter(d -> d.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no dead letter " + id + " (see 'dlq list')"));
    }

    /** Sends the record back to its topic with its key, value and original headers; returns where it went. */
    public RecordMetadata replay(DeadLetter d) {
        String topic = d.header(ORIGINAL_TOPIC);
        if (topic == null || !TYPES.containsKey(topic)) {
            throw new IllegalArgumentException("dead letter " + d.id() + " names no LM Forge topic to go back to (" + topic + ")");
        }
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, d.key(), d.value());
        for (Header h : d.headers()) {
            if (ADDED_HEADER_PREFIXES.stream().noneMatch(h.key()::startsWith)) {
                record.headers().add(h);
            }
        }
        record.headers().add(REPLAYED_FROM, d.id().getBytes(StandardCharsets.UTF_8));
        Map<String, Object> config = client();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis() / 2);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            return producer.send(record).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka refused the replay of " + d.id() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("could not replay " + d.id() + ": " + e.getMessage(), e);
        }
    }

    private List<String> topics() {
        Map<String, Object> config = client();
        config.put("default.api.timeout.ms", (int) TIMEOUT.toMillis());
        config.put("request.timeout.ms", (int) TIMEOUT.toMillis() / 2);
        try (Admin admin = Admin.create(config)) {
            return admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream().filter(t -> t.startsWith(TOPIC_PREFIX)).toList();
        } catch (Exception e) {
            throw new IllegalStateException("Kafka at " + bootstrap + " cannot be reached or refused " + user + " (is it running? try ./lmforge up): " + e.getMessage(), e);
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> config = client();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** A client that signs in with SASL/SCRAM-SHA-512 (unless the protocol has no SASL). */
    private Map<String, Object> client() {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put("security.protocol", protocol);
        if (protocol.startsWith("SASL")) {
            String secret = password.orElseThrow(() -> new IllegalStateException("no Kafka password for " + user
                    + ": run the CLI through ./lmforge (it passes lmforge-cli's from .lmforge/kafka/users.properties) or set LMFORGE_KAFKA_PASSWORD"));
            config.put("sasl.mechanism", "SCRAM-SHA-512");
            config.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                    + "\" password=\"" + secret + "\";");
        }
        return config;
    }
}
