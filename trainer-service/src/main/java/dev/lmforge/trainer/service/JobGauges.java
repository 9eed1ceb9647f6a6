package dev.lmforge.trainer.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The gauges of the job a trainer runs, tagged with its name and tenant (Prometheus:
 * {@code lmforge_training_job_loss{training_job="…",tenant="…"}} and so on): removed when the attempt ends,
 * so a trainer exports only the job it is running and the series stay bounded.
 */
final class JobGauges implements AutoCloseable {

    private final MeterRegistry registry;
    private final List<Meter.Id> ids = new ArrayList<>();
    private volatile double loss = Double.NaN;
    private volatile double tokensPerSecond = Double.NaN;
    private volatile double epoch = Double.NaN;
    private volatile double etaSeconds = Double.NaN;
    private volatile double validationBpc = Double.NaN;

    JobGauges(MeterRegistry registry, String tenant, String job) {
        this.registry = registry;
        Tags tags = Tags.of("training_job", job, "tenant", tenant);
        gauge("lmforge.training.job.loss", "training loss of the job's latest step, nats per token", tags, g -> g.loss);
        gauge("lmforge.training.job.tokens.per.second", "training tokens per second (training steps only)", tags, g -> g.tokensPerSecond);
        gauge("lmforge.training.job.epoch", "the epoch being trained (1-based)", tags, g -> g.epoch);
        gauge("lmforge.training.job.eta.seconds", "estimated seconds until the last epoch ends", tags, g -> g.etaSeconds);
        gauge("lmforge.training.job.validation.bpc", "validation bits per character after the latest epoch", tags, g -> g.validationBpc);
    }

    private void gauge(String name, String description, Tags tags, ToDoubleFunction<JobGauges> value) {
        ids.add(Gauge.builder(name, this, value).description(description).tags(tags).register(registry).getId());
    }

    void step(double stepLoss, double tokensSecond, int currentEpoch, double eta) {
        loss = stepLoss;
        tokensPerSecond = tokensSecond;
        epoch = currentEpoch;
        etaSeconds = eta;
    }

    void epochEnded(double bpc) {
        validationBpc = bpc;
    }

    @Override
    public void close() {
        ids.forEach(registry::remove);
    }
}
