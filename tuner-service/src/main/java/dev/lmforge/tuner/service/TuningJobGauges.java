package dev.lmforge.tuner.service;

import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.Trial;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.common.security.TenantKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gauges of the running tuning jobs (Prometheus: {@code lmforge_tuning_job_trials{tuning_job,tenant,state}}
 * and {@code lmforge_tuning_job_best_objective{tuning_job,tenant}}), set anew from the engine's running jobs
 * at every tick: a job's series go when it ends, so the series stay bounded.
 */
@ApplicationScoped
public class TuningJobGauges {

    private final MultiGauge trials;
    private final MultiGauge best;

    public TuningJobGauges(MeterRegistry registry) {
        trials = MultiGauge.builder("lmforge.tuning.job.trials").description("trials of a running tuning job by state").register(registry);
        best = MultiGauge.builder("lmforge.tuning.job.best.objective").description("the best objective value of a running tuning job so far")
                .register(registry);
    }

    public void refresh(Map<TenantKey, TuningJob> running) {
        List<MultiGauge.Row<?>> trialRows = new ArrayList<>();
        List<MultiGauge.Row<?>> bestRows = new ArrayList<>();
        running.forEach((key, job) -> {
            Tags tags = Tags.of("tuning_job", key.id(), "tenant", key.tenant());
            Map<String, Integer> byState = new TreeMap<>();
            for (Trial t : job.getTrialsList()) {
                byState.merge(state(t.getStatus()), 1, Integer::sum);
            }
            byState.forEach((state, count) -> trialRows.add(MultiGauge.Row.of(tags.and("state", state), count)));
            if (job.hasBestTrial()) {
                bestRows.add(MultiGauge.Row.of(tags, job.getBestTrial().getObjectiveValue()));
            }
        });
        trials.register(trialRows, true);
        best.register(bestRows, true);
    }

    private static String state(JobStatus status) {
        return status.name().replace("JOB_STATUS_", "").toLowerCase(Locale.ROOT);
    }
}
