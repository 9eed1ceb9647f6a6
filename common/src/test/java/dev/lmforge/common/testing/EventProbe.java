package dev.lmforge.common.testing;

import dev.lmforge.common.events.KafkaLogin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads a topic from the beginning, without a consumer group, for the records of one key. */
public final class EventProbe {

    private EventProbe() {
    }

    private static String bootstrap() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    /**
     * A probe's client settings: it signs in as the operator (lmforge-cli), who may read every topic
     * and send foreign or poison records to any; the service under test is a user of its own.
     */
    public static Map<String, Object> client() {
        return KafkaLogin.fromEnvironment(bootstrap(), KafkaLogin.OPERATOR);
    }

    /** Every record of {@code key} that arrives within {@code wait} (waiting the full time). */
    public static <T> List<ConsumerRecord<String, T>> records(String topic, String key, Deserializer<T> values, Duration wait) {
        Map<String, Object> config = client();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, T>> found = new ArrayList<>();
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        T value = values.deserialize(topic, r.headers(), r.value());
                        found.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), r.timestampType(),
                                r.serializedKeySize(), r.serializedValueSize(), r.key(), value, r.headers(), r.leaderEpoch()));
                    }
                }
            }
            return found;
        }
    }
}
