package dev.lmforge.tokenizer.grpc;

import dev.lmforge.api.v1.CorpusIngested;
import dev.lmforge.api.v1.TokenizerKind;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.api.v1.TokensReady;
import dev.lmforge.common.events.Topics;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.testing.EventProbe;
import dev.lmforge.common.testing.TestPrincipals;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A corpus.ingested record continues the trace in its headers through the automatic dataset build
 * (on a build thread) and the outbox to the tokens.ready record, whose headers carry the same trace
 * on; a traceparent that does not parse starts a new trace and stops nothing.
 */
@QuarkusTest
class TracingTest {

    @Inject
    InMemorySpanExporter spans;

    @Inject
    ArtifactStore store;

    @Test
    void aCorpusIngestedRecordContinuesItsTraceThroughTheBuildToTokensReady() throws Exception {
        String corpus = publishCorpus();
        String traceId = TraceId.fromLongs(UUID.randomUUID().getMostSignificantBits(), 42);
        String producerSpan = SpanId.fromLong(7);
        send(corpus, 311, "00-" + traceId + "-" + producerSpan + "-01");

        String dataset = corpus + "-word-311";
        SpanData build = awaitSpan(s -> s.getName().equals("dataset build") && dataset.equals(attribute(s, "lmforge.dataset_id")));
        SpanData publish = awaitSpan(s -> s.getName().equals(Topics.TOKENS_READY + " publish") && s.getTraceId().equals(traceId));
        List<SpanData> trace = spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();

        assertEquals(traceId, build.getTraceId(), "the build is in the record's trace");
        assertEquals(corpus, attribute(build, "lmforge.corpus_id"));
        SpanData process = parent(build, trace);
        assertEquals(Topics.CORPUS_INGESTED + " process", process.getName(), "the build is a child of the record's handling");
        assertEquals(corpus, attribute(process, "lmforge.corpus_id"));
        SpanData receive = parent(process, trace);
        assertEquals(producerSpan, receive.getParentSpanId(), "the handling descends from the producer's span in the headers");
        assertEquals(build.getSpanId(), publish.getParentSpanId(), "tokens.ready goes out in the build's context, through the outbox");

        ConsumerRecord<String, TokensReady> announced = EventProbe.records(Topics.TOKENS_READY, dataset, new TokensReadyDeserializer(),
                Duration.ofSeconds(5)).get(0);
        Header traceparent = announced.headers().lastHeader("traceparent");
        assertEquals("00-" + traceId + "-" + publish.getSpanId() + "-01", new String(traceparent.value(), StandardCharsets.UTF_8),
                "the consumers of tokens.ready continue the same trace");
    }

    @Test
    void aTraceparentThatDoesNotParseStartsANewTraceAndTheRecordIsHandled() throws Exception {
        String corpus = publishCorpus();
        send(corpus, 313, "00-not-a-trace-parent");

        String dataset = corpus + "-word-313";
        SpanData build = awaitSpan(s -> s.getName().equals("dataset build") && dataset.equals(attribute(s, "lmforge.dataset_id")));
        assertTrue(TraceId.isValid(build.getTraceId()));
        assertNotEquals(TraceId.getInvalid(), build.getTraceId());
        assertNotEquals(StatusCode.ERROR, build.getStatus().getStatusCode(), "the dataset is built");
    }

    private String publishCorpus() throws Exception {
        String corpus = "traced-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> lines = CorpusFixtures.europarl(200);
        CorpusFixtures.publish(store, corpus, Map.of("train", lines.subList(50, lines.size()), "validation", lines.subList(0, 50),
                "test", lines.subList(0, 20)));
        return corpus;
    }

    private static void send(String corpus, int vocabSize, String traceparent) throws Exception {
        CorpusIngested event = TestPrincipals.byEditor(CorpusIngested.newBuilder().setSchemaVersion(1).setCorpusId(corpus)
                .setAutoTokenize(TokenizerSpec.newBuilder().setKind(TokenizerKind.TOKENIZER_KIND_WORD).setVocabSize(vocabSize)).build());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(EventProbe.client(), new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.CORPUS_INGESTED, corpus, event.toByteArray());
            record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
    }

    private SpanData awaitSpan(Predicate<SpanData> wanted) throws InterruptedException {
        for (int i = 0; i < 240; i++) {
            Optional<SpanData> found = spans.getFinishedSpanItems().stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(500);
        }
        return fail("no such span among " + spans.getFinishedSpanItems().stream().map(SpanData::getName).distinct().toList());
    }

    private static SpanData parent(SpanData child, List<SpanData> trace) {
        return trace.stream().filter(s -> s.getSpanId().equals(child.getParentSpanId())).findFirst()
                .orElseGet(() -> fail("the parent of " + child.getName() + " is not in the trace: "
                        + trace.stream().map(SpanData::getName).toList()));
    }

    private static String attribute(SpanData span, String key) {
        return span.getAttributes().asMap().entrySet().stream().filter(e -> e.getKey().getKey().equals(key))
                .map(e -> String.valueOf(e.getValue())).findFirst().orElse("");
    }
}
