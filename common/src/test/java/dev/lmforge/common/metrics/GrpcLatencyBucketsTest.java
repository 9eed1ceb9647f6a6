package dev.lmforge.common.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GrpcLatencyBucketsTest {

    @Test
    void servedMethodsGetFourteenBucketsFromAMillisecondToAMinuteAndOtherTimersNone() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.config().meterFilter(new GrpcLatencyBuckets().grpcServerBuckets());
        Timer served = Timer.builder(GrpcLatencyBuckets.SERVER_PROCESSING).tag("method", "Predict").register(registry);
        served.record(Duration.ofMillis(7));
        var buckets = served.takeSnapshot().histogramCounts();
        assertEquals(14, buckets.length);
        assertEquals(0.001, buckets[0].bucket(java.util.concurrent.TimeUnit.SECONDS), 1e-12);
        assertEquals(60, buckets[13].bucket(java.util.concurrent.TimeUnit.SECONDS), 1e-9);
        assertEquals(1, buckets[2].count(), "7 ms falls under 10 ms");
        assertEquals(0, Timer.builder("other").register(registry).takeSnapshot().histogramCounts().length);
    }
}
