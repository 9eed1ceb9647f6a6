package dev.lmforge.tuner.service;

import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.Trial;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.common.security.TenantKey;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TuningJobGaugesTest {

    @Test
    void trialsByStateAndTheBestObjectiveOfEachRunningJobAndNothingOnceItEnds() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TuningJobGauges gauges = new TuningJobGauges(registry);
        Trial done = Trial.newBuilder().setStatus(JobStatus.JOB_STATUS_COMPLETED).setObjectiveValue(120.5).build();
        TuningJob job = TuningJob.newBuilder().addTrials(done).addTrials(done.toBuilder().setObjectiveValue(99.0))
                .addTrials(Trial.newBuilder().setStatus(JobStatus.JOB_STATUS_IN_PROGRESS)).setBestTrial(done.toBuilder().setObjectiveValue(99.0)).build();

        gauges.refresh(Map.of(new TenantKey("team-a", "tune-1"), job));
        assertEquals(2, gauge(registry, "lmforge.tuning.job.trials", "completed").value());
        assertEquals(1, gauge(registry, "lmforge.tuning.job.trials", "in_progress").value());
        assertEquals(99.0, registry.find("lmforge.tuning.job.best.objective").tags("tuning_job", "tune-1", "tenant", "team-a").gauge().value());

        gauges.refresh(Map.of());
        assertNull(registry.find("lmforge.tuning.job.trials").tags("tuning_job", "tune-1").gauge(), "an ended job's series go");
        assertNull(registry.find("lmforge.tuning.job.best.objective").gauge());
    }

    private static Gauge gauge(SimpleMeterRegistry registry, String name, String state) {
        return registry.find(name).tags("tuning_job", "tune-1", "tenant", "team-a", "state", state).gauge();
    }
}
