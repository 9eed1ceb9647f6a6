package dev.lmforge.tuner.strategy;

import java.util.Objects;

/**
 * A finished trial: the assignment it ran (with the resource and tag the strategy gave it) and its
 * final objective value, always to be MINIMISED (the service negates a Maximize objective).
 * A failed trial is reported with a non-finite value ({@link #failed}); strategies then treat it as
 * worse than every finite observation (the GP imputes the worst observed value).
 */
public record Observation(Assignment assignment, double value) {

    public Observation {
        Objects.requireNonNull(assignment, "assignment");
    }

    public static Observation failed(Assignment assignment) {
        return new Observation(assignment, Double.NaN);
    }

    public boolean isFailed() {
        return !Double.isFinite(value);
    }
}
