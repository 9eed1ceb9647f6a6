package dev.lmforge.common.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * Latency buckets for every gRPC method a service serves ({@code grpc_server_processing_duration_seconds_bucket}),
 * so that Prometheus computes percentiles across pods (the dashboard's p50/p99): fourteen fixed
 * bounds from 1 ms to 60 s, not Micrometer's seventy, to keep the series per method few.
 */
@Singleton
public class GrpcLatencyBuckets {

    static final String SERVER_PROCESSING = "grpc.server.processing.duration";

    private static final Duration[] BOUNDS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    @Produces
    @Singleton
    MeterFilter grpcServerBuckets() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals(SERVER_PROCESSING)) {
                    return config;
                }
                double[] nanos = new double[BOUNDS.length];
                for (int i = 0; i < BOUNDS.length; i++) {
                    nanos[i] = BOUNDS[i].toNanos();
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos).build().merge(config);
            }
        };
    }
}
