package dev.lmforge.tuner.strategy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A point of the search space to evaluate: one value per parameter ({@link Double} for continuous,
 * {@link Long} for integer, {@link String} for categorical ranges), plus what a resource-aware
 * strategy needs the service to carry along.
 *
 * @param values   parameter name to value, in the search space's parameter order
 * @param resource the number of epochs to train this trial for, or 0 when the strategy leaves it to
 *                 the job's static hyperparameters (every strategy but Hyperband)
 * @param tag      an opaque label the strategy needs back with the observation ("" when none):
 *                 Hyperband's bracket/rung/config identity. The service stores it with the trial
 *                 and passes it back unchanged in {@link Observation#assignment()} and in pending
 *                 assignments.
 */
public record Assignment(Map<String, Object> values, int resource, String tag) {

    public Assignment {
        Objects.requireNonNull(values, "values");
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        if (resource < 0) {
            throw new IllegalArgumentException("resource must be >= 0, got " + resource);
        }
        tag = tag == null ? "" : tag;
    }

    /** An assignment without resource or tag (what Random, Grid and Bayesian suggest). */
    public static Assignment of(Map<String, ?> values) {
        return new Assignment(new LinkedHashMap<>(values), 0, "");
    }

    public Assignment withResource(int resource, String tag) {
        return new Assignment(values, resource, tag);
    }

    public Object get(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no value for parameter '" + name + "' in " + values);
        }
        return v;
    }

    public double getDouble(String name) {
        return ((Number) get(name)).doubleValue();
    }

    public long getLong(String name) {
        return ((Number) get(name)).longValue();
    }

    public String getString(String name) {
        return get(name).toString();
    }

    /** The values as strings (training-job hyperparameters); doubles print so that they parse back exactly. */
    public Map<String, String> hyperparameters() {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }
}
