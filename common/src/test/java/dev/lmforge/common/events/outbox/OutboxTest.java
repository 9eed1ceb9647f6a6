package dev.lmforge.common.events.outbox;

import com.google.protobuf.Parser;
import com.google.protobuf.StringValue;
import dev.lmforge.common.errors.LmForgeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.util.TypeLiteral;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboxTest {

    private final MemoryStore store = new MemoryStore();
    private final FakeTopic topic = new FakeTopic();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private Outbox outbox(int pageSize) {
        return new Outbox(store, List.of(topic), meters, "svc", pageSize, new NoRetries(), W3CTraceContextPropagator.getInstance());
    }

    private static StringValue event(String text) {
        return StringValue.of(text);
    }

    @Test
    void aStagedEventIsSentOnceAndRemoved() {
        Outbox outbox = outbox(10);
        outbox.stage(topic, "a", event("a1"));
        outbox.send(topic, "a");

        assertEquals(List.of("a=a1"), topic.sent);
        assertEquals(0, outbox.drain());
        assertEquals(List.of("a=a1"), topic.sent);
        assertTrue(store.objects.keySet().stream().noneMatch(k -> k.startsWith("outbox/svc/topic.t/")));
    }

    @Test
    void anEventWhoseSendFailsStaysPendingAndGoesOutOnALaterDrain() {
        Outbox outbox = outbox(10);
        outbox.stage(topic, "a", event("a1"));
        topic.brokerDown = true;

        assertThrows(LmForgeException.class, () -> outbox.send(topic, "a"));
        assertEquals(0, outbox.drain());
        assertEquals(1, pendingGauge());

        topic.brokerDown = false;
        assertEquals(1, outbox.drain());
        assertEquals(List.of("a=a1"), topic.sent);
        assertEquals(0, pendingGauge());
        assertEquals(0, outbox.drain());
        assertEquals(1, topic.sent.size());
    }

    @Test
    void anEventStagedBeforeACrashIsSentOnceByTheNextProcess() {
        outbox(10).stage(topic, "a", event("a1"));
        // The process dies here; a new one starts over the same store.
        Outbox restarted = outbox(10);

        assertEquals(1, restarted.drain());
        assertEquals(0, restarted.drain());
        assertEquals(0, outbox(10).drain());
        assertEquals(List.of("a=a1"), topic.sent);
    }

    @Test
    void eachDrainSendsAtMostAPage() {
        Outbox outbox = outbox(2);
        for (String key : List.of("a", "b", "c", "d", "e")) {
            outbox.stage(topic, key, event(key));
        }

        assertEquals(2, outbox.drain());
        assertEquals(2, outbox.drain());
        assertEquals(1, outbox.drain());
        assertEquals(List.of("a=a", "b=b", "c=c", "d=d", "e=e"), topic.sent);
        assertTrue(store.largestPage <= 2);
    }

    @Test
    void aFailedDrainStopsAndTheNextStartsWithTheFailedEntry() {
        Outbox outbox = outbox(10);
        for (String key : List.of("a", "b", "c")) {
            outbox.stage(topic, key, event(key));
        }
        topic.failOnce.add("b");

        assertEquals(1, outbox.drain());
        assertEquals(2, outbox.drain());
        assertEquals(List.of("a=a", "b=b", "c=c"), topic.sent);
    }

    @Test
    void anEventWaitsWhileItsArtifactIsNotPublishedAndIsDroppedWhenItIsGone() {
        Outbox outbox = outbox(1);
        outbox.stage(topic, "a", event("a"));
        outbox.stage(topic, "b", event("b"));
        outbox.stage(topic, "c", event("c"));
        topic.readiness.put("a", OutboxTopic.Readiness.NOT_YET);
        topic.readiness.put("b", OutboxTopic.Readiness.GONE);

        // One entry per drain: the waiting one does not hold up those behind it.
        outbox.drain();
        outbox.drain();
        outbox.drain();
        assertEquals(List.of("c=c"), topic.sent);
        assertEquals(1, pendingGauge());

        topic.readiness.put("a", OutboxTopic.Readiness.PUBLISHED);
        outbox.drain();
        assertEquals(List.of("c=c", "a=a"), topic.sent);
    }

    @Test
    void aWithdrawnEventIsNeverSent() {
        Outbox outbox = outbox(10);
        outbox.stage(topic, "a", event("a"));
        outbox.withdraw(topic, "a");

        assertEquals(0, outbox.drain());
        assertEquals(List.of(), topic.sent);
    }

    @Test
    void eventsPendingUnderTheOldMarkersAreStagedOnceAndSentOnce() {
        topic.legacy.put("old", event("old"));

        assertEquals(1, outbox(10).drain());
        assertEquals(0, outbox(10).drain());
        assertEquals(List.of("old=old"), topic.sent);
        assertEquals(1, topic.legacyScans);
    }

    @Test
    void anEventGoesOutInTheTraceItWasStagedInEvenFromTheDrainOfAnotherProcess() {
        Tracer tracer = SdkTracerProvider.builder().build().get("test");
        Span ingest = tracer.spanBuilder("ingest").startSpan();
        try (Scope ignored = ingest.makeCurrent()) {
            outbox(10).stage(topic, "a", event("a1"));
            outbox(10).stage(topic, "b", event("b1"));
            outbox(10).send(topic, "a");
        } finally {
            ingest.end();
        }
        assertFalse(Span.current().getSpanContext().isValid());

        // "b" waited for a drain, here with no trace of its own.
        assertEquals(1, outbox(10).drain());
        assertEquals(List.of("a=a1", "b=b1"), topic.sent);
        for (SpanContext sentIn : topic.sentIn) {
            assertEquals(ingest.getSpanContext().getTraceId(), sentIn.getTraceId());
            assertEquals(ingest.getSpanContext().getSpanId(), sentIn.getSpanId());
        }
    }

    @Test
    void aStagedTraceContextThatDoesNotParseSendsTheEventAllTheSame() {
        outbox(10).stage(topic, "a", event("a1"));
        String path = store.objects.firstKey();
        store.objects.put(path, new OutboxStore.Entry(store.objects.get(path).data(), Map.of("traceparent", "00-not-a-trace-01")));

        assertEquals(1, outbox(10).drain());
        assertEquals(List.of("a=a1"), topic.sent);
        assertFalse(topic.sentIn.get(0).isValid());
    }

    private double pendingGauge() {
        return meters.get("lmforge.outbox.pending").tag("topic", FakeTopic.NAME).gauge().value();
    }

    private static final class FakeTopic implements OutboxTopic<StringValue> {

        static final String NAME = "topic.t";

        final List<String> sent = new ArrayList<>();
        /** The span context current at each send. */
        final List<SpanContext> sentIn = new ArrayList<>();
        final Map<String, Readiness> readiness = new HashMap<>();
        final List<String> failOnce = new ArrayList<>();
        final Map<String, StringValue> legacy = new TreeMap<>();
        int legacyScans;
        boolean brokerDown;

        @Override
        public String topic() {
            return NAME;
        }

        @Override
        public Parser<StringValue> parser() {
            return StringValue.parser();
        }

        @Override
        public void send(String key, StringValue event) {
            if (brokerDown || failOnce.remove(key)) {
                throw LmForgeException.unavailable("the broker is down", null);
            }
            sent.add(key + "=" + event.getValue());
            sentIn.add(Span.current().getSpanContext());
        }

        @Override
        public Readiness readiness(String key) {
            return readiness.getOrDefault(key, Readiness.PUBLISHED);
        }

        @Override
        public void stageLegacyPending(BiConsumer<String, StringValue> stage) {
            legacyScans++;
            legacy.forEach(stage);
        }
    }

    private static final class MemoryStore implements OutboxStore {

        final TreeMap<String, Entry> objects = new TreeMap<>();
        int largestPage;

        @Override
        public void put(String path, byte[] data, Map<String, String> traceContext) {
            objects.put(path, new Entry(data, Map.copyOf(traceContext)));
        }

        @Override
        public Optional<Entry> read(String path) {
            return Optional.ofNullable(objects.get(path));
        }

        @Override
        public boolean exists(String path) {
            return objects.containsKey(path);
        }

        @Override
        public void delete(String path) {
            objects.remove(path);
        }

        @Override
        public List<String> list(String prefix, String startAfter, int limit) {
            List<String> page = (startAfter == null ? objects.navigableKeySet() : objects.navigableKeySet().tailSet(startAfter, false))
                    .stream().filter(k -> k.startsWith(prefix)).limit(limit).toList();
            largestPage = Math.max(largestPage, page.size());
            return page;
        }

        @Override
        public long count(String prefix) {
            return objects.keySet().stream().filter(k -> k.startsWith(prefix)).count();
        }
    }

    /** The service's Guard retries with backoff; here each send gets one attempt. */
    private static final class NoRetries implements Guard {

        @Override
        public <T> T call(Callable<T> action, Class<T> type) throws Exception {
            return action.call();
        }

        @Override
        public <T> T call(Callable<T> action, TypeLiteral<T> type) throws Exception {
            return action.call();
        }

        @Override
        public <T> T get(Supplier<T> action, Class<T> type) {
            return action.get();
        }

        @Override
        public <T> T get(Supplier<T> action, TypeLiteral<T> type) {
            return action.get();
        }
    }
}
