package dev.lmforge.inference.service;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A loaded version's meters, tagged with it: registered once when it loads (not looked up on each
 * request) and removed when it is closed, so unloaded versions leave no series behind.
 */
final class ModelMeters {

    /** Published by the service itself, so its latencies compare with what clients measure (bench/inference.sh reads them). */
    private static final double[] PERCENTILES = {0.5, 0.99};

    final Timer forward;
    final DistributionSummary batchSize;
    final Timer predict;
    final Timer score;
    final Timer generate;
    private final MeterRegistry registry;

    ModelMeters(MeterRegistry registry, String version) {
        this.registry = registry;
        this.forward = Timer.builder("lmforge.inference.forward").description("One forward pass of a batch").tag("model", version)
                .publishPercentiles(PERCENTILES).register(registry);
        this.batchSize = DistributionSummary.builder("lmforge.inference.batch.size").description("Requests per forward pass").tag("model", version)
                .register(registry);
        this.predict = request(registry, "predict", version);
        this.score = request(registry, "score", version);
        this.generate = request(registry, "generate", version);
    }

    private static Timer request(MeterRegistry registry, String kind, String version) {
        return Timer.builder("lmforge.inference.requests").description("Requests, from acquiring the model to the answer")
                .tag("kind", kind).tag("model", version).publishPercentiles(PERCENTILES).register(registry);
    }

    static void since(Timer timer, long startNanos) {
        timer.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    void remove() {
        List.of(forward, batchSize, predict, score, generate).forEach(registry::remove);
    }
}
