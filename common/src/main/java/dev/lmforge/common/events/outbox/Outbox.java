package dev.lmforge.common.events.outbox;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.lmforge.common.store.ArtifactLayout;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.quarkus.arc.All;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At-least-once events that survive broker outages and crashes. A service stages an event (its
 * protobuf bytes, in S3 under {@link ArtifactLayout#outboxEntry}) before it writes the marker that
 * publishes the artifact the event announces, then {@link #send sends} it; the entry is deleted
 * once the broker acknowledges it. Whatever is left, because the broker was down or the process
 * died, is sent by the {@link #drain}, which runs every {@code lmforge.outbox.drain-interval} from
 * start-up on, a bounded page of entries per topic at a time, retrying with exponential backoff.
 *
 * <p>An entry is deleted only after the ack, so an event can go out twice (a crash between the ack
 * and the delete, or two replicas draining at once), never zero times; consumers are idempotent.
 *
 * <p>An entry keeps the trace context it was staged in (W3C {@code traceparent}), and its event is
 * sent in that context, by the caller or by a drain in another process: the record continues the
 * trace of the work that made the artifact.
 */
@ApplicationScoped
public class Outbox {

    private static final Logger LOG = Logger.getLogger(Outbox.class);

    private final OutboxStore store;
    private final List<OutboxTopic<?>> topics;
    private final MeterRegistry meters;
    private final String service;
    private final int pageSize;
    private final Guard sendRetries;
    private final TextMapPropagator propagator;
    private final ArtifactLayout layout = ArtifactLayout.shared();
    /** Entries being sent right now, by a caller or the drain; the drain leaves them alone. */
    private final Set<String> sending = ConcurrentHashMap.newKeySet();
    /** Per topic, the entry the next drain starts after, so entries that must wait do not hold up the rest. */
    private final Map<String, String> cursors = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();
    private final Set<String> legacyStaged = ConcurrentHashMap.newKeySet();

    @Inject
    Outbox(OutboxStore store, @All List<OutboxTopic<?>> topics, MeterRegistry meters, OpenTelemetry openTelemetry,
            @ConfigProperty(name = "quarkus.application.name") String service,
            @ConfigProperty(name = "lmforge.outbox.page-size", defaultValue = "100") int pageSize,
            @ConfigProperty(name = "lmforge.outbox.max-retries", defaultValue = "3") int maxRetries,
            @ConfigProperty(name = "lmforge.outbox.retry-delay", defaultValue = "1s") Duration retryDelay,
            @ConfigProperty(name = "lmforge.outbox.max-retry-delay", defaultValue = "30s") Duration maxRetryDelay) {
        this(store, topics, meters, service, pageSize, Guard.create()
                .withRetry()
                .maxRetries(maxRetries)
                .delay(retryDelay.toMillis(), ChronoUnit.MILLIS)
                .maxDuration(0, ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .withExponentialBackoff().factor(2).maxDelay(maxRetryDelay.toMillis(), ChronoUnit.MILLIS).done()
                .done()
                .build(), openTelemetry.getPropagators().getTextMapPropagator());
    }

    /** {@code sendRetries} wraps every send of the drain; {@code propagator} writes and reads an entry's trace context. */
    public Outbox(OutboxStore store, List<OutboxTopic<?>> topics, MeterRegistry meters, String service, int pageSize, Guard sendRetries,
            TextMapPropagator propagator) {
        if (pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("lmforge.outbox.page-size must lie in [1, 1000], got " + pageSize);
        }
        this.store = store;
        this.topics = topics;
        this.meters = meters;
        this.service = service;
        this.pageSize = pageSize;
        this.sendRetries = sendRetries;
        this.propagator = propagator;
    }

    /** Records an event as pending; call it before the artifact it announces is published. */
    public <T extends Message> void stage(OutboxTopic<T> topic, String key, T event) {
        Map<String, String> traceContext = new HashMap<>();
        propagator.inject(Context.current(), traceContext, Map::put);
        store.put(entry(topic, key), event.toByteArray(), traceContext);
    }

    /**
     * One attempt to send a staged event now: returns once the broker acknowledged it (or once it is
     * no longer pending: the drain sent it); throws UNAVAILABLE otherwise, and the event stays
     * pending for the drain.
     */
    public <T extends Message> void send(OutboxTopic<T> topic, String key) {
        String path = entry(topic, key);
        boolean claimed = sending.add(path);
        try {
            Optional<OutboxStore.Entry> staged = store.read(path);
            if (staged.isPresent()) {
                try (Scope traced = stagedIn(staged.get()).makeCurrent()) {
                    topic.send(key, parse(topic, path, staged.get().data()));
                }
                sent(topic, path);
            }
        } finally {
            if (claimed) {
                sending.remove(path);
            }
        }
    }

    /** Drops a staged event unsent: its artifact is not kept after all. */
    public void withdraw(OutboxTopic<?> topic, String key) {
        store.delete(entry(topic, key));
    }

    @Scheduled(every = "${lmforge.outbox.drain-interval:10s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledDrain() {
        drain();
    }

    /** Sends up to a page of pending entries per topic; returns how many went out. */
    public int drain() {
        int sent = 0;
        for (OutboxTopic<?> topic : topics) {
            try {
                stageLegacyPendingOnce(topic);
                sent += drain(topic);
                pendingGauge(topic).set(store.count(prefix(topic)));
            } catch (RuntimeException e) {
                LOG.warnf("%s: draining the outbox failed, will retry: %s", topic.topic(), e.getMessage());
            }
        }
        return sent;
    }

    private <T extends Message> int drain(OutboxTopic<T> topic) {
        String name = topic.topic();
        String previous = cursors.get(name);
        List<String> page = store.list(prefix(topic), previous, pageSize);
        if (page.isEmpty() && previous != null) {
            previous = null;
            page = store.list(prefix(topic), null, pageSize);
        }
        if (page.size() < pageSize) {
            cursors.remove(name);
        } else {
            cursors.put(name, page.get(page.size() - 1));
        }
        int sent = 0;
        for (String path : page) {
            if (!sending.add(path)) {
                previous = path;
                continue;
            }
            try {
                if (drainEntry(topic, path)) {
                    sent++;
                }
            } catch (Exception e) {
                // The broker (or S3) is down: the rest would fail alike. The next drain starts with this entry.
                LOG.warnf("%s: pending event %s not sent, will retry: %s", name, key(topic, path), e.getMessage());
                if (previous == null) {
                    cursors.remove(name);
                } else {
                    cursors.put(name, previous);
                }
                break;
            } finally {
                sending.remove(path);
            }
            previous = path;
        }
        return sent;
    }

    private <T extends Message> boolean drainEntry(OutboxTopic<T> topic, String path) throws Exception {
        String key = key(topic, path);
        switch (topic.readiness(key)) {
            case NOT_YET -> {
                return false;
            }
            case GONE -> {
                LOG.infof("%s: %s is gone; its pending event is dropped", topic.topic(), key);
                store.delete(path);
                return false;
            }
            case PUBLISHED -> {
            }
        }
        Optional<OutboxStore.Entry> staged = store.read(path);
        if (staged.isEmpty()) {
            return false;
        }
        T event;
        try {
            event = parse(topic, path, staged.get().data());
        } catch (IllegalStateException e) {
            LOG.errorf("%s; it stays in the outbox, unsent", e.getMessage());
            return false;
        }
        try (Scope traced = stagedIn(staged.get()).makeCurrent()) {
            sendRetries.call(() -> {
                topic.send(key, event);
                return null;
            }, Void.class);
            sent(topic, path);
            LOG.infof("%s: sent the pending event of %s", topic.topic(), key);
        }
        return true;
    }

    /** The context an entry was staged in; the current one for an entry staged without (before tracing, or outside a trace). */
    private Context stagedIn(OutboxStore.Entry entry) {
        return propagator.extract(Context.current(), entry.traceContext(), TRACE_CONTEXT);
    }

    private static final TextMapGetter<Map<String, String>> TRACE_CONTEXT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private void sent(OutboxTopic<?> topic, String path) {
        try {
            store.delete(path);
        } catch (RuntimeException e) {
            // The event went out; it goes out once more from the drain.
            LOG.warnf("%s: could not remove the sent event %s from the outbox: %s", topic.topic(), path, e.getMessage());
        }
    }

    private <T extends Message> void stageLegacyPendingOnce(OutboxTopic<T> topic) {
        if (legacyStaged.contains(topic.topic())) {
            return;
        }
        String done = layout.outboxLegacyStaged(service, topic.topic());
        if (!store.exists(done)) {
            topic.stageLegacyPending((key, event) -> {
                stage(topic, key, event);
                LOG.infof("%s: staged the event of %s, which was not recorded as sent before the outbox", topic.topic(), key);
            });
            store.put(done, Instant.now().toString().getBytes(StandardCharsets.UTF_8), Map.of());
        }
        legacyStaged.add(topic.topic());
    }

    private AtomicLong pendingGauge(OutboxTopic<?> topic) {
        return pending.computeIfAbsent(topic.topic(), name -> {
            AtomicLong count = new AtomicLong();
            Gauge.builder("lmforge.outbox.pending", count, AtomicLong::get).tag("topic", name)
                    .description("Events staged in the outbox and not yet acknowledged by the broker").register(meters);
            return count;
        });
    }

    private <T extends Message> T parse(OutboxTopic<T> topic, String path, byte[] bytes) {
        try {
            return topic.parser().parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the outbox entry " + path + " is no " + topic.topic() + " event: " + e.getMessage(), e);
        }
    }

    private String prefix(OutboxTopic<?> topic) {
        return layout.outboxPrefix(service, topic.topic());
    }

    private String entry(OutboxTopic<?> topic, String key) {
        if (key.isEmpty() || key.contains("/")) {
            throw new IllegalArgumentException("an outbox key must be a non-empty name without '/', got '" + key + "'");
        }
        return layout.outboxEntry(service, topic.topic(), key);
    }

    private String key(OutboxTopic<?> topic, String path) {
        return layout.outboxKey(service, topic.topic(), path);
    }
}
