package dev.lmforge.tuner.strategy;

import java.util.List;

/**
 * One hyperparameter range of a {@link SearchSpace}. Values carried in an {@link Assignment}:
 * {@link Double} for continuous ranges, {@link Long} for integer ranges, {@link String} for
 * categorical ones.
 */
public sealed interface Parameter permits Parameter.Continuous, Parameter.Int, Parameter.Categorical {

    String name();

    static Continuous continuous(String name, double min, double max, Scaling scaling) {
        return new Continuous(name, min, max, scaling);
    }

    static Int integer(String name, long min, long max, Scaling scaling) {
        return new Int(name, min, max, scaling);
    }

    static Categorical categorical(String name, List<String> values) {
        return new Categorical(name, values);
    }

    static Categorical categorical(String name, String... values) {
        return new Categorical(name, List.of(values));
    }

    /** A real-valued range [min, max]. Validation happens in {@link SearchSpace#of}. */
    record Continuous(String name, double min, double max, Scaling scaling) implements Parameter {
        public Continuous {
            scaling = scaling == null ? Scaling.AUTO : scaling;
        }
    }

    /** An integer range [min, max] (both inclusive); values are rounded after scaling. */
    record Int(String name, long min, long max, Scaling scaling) implements Parameter {
        public Int {
            scaling = scaling == null ? Scaling.AUTO : scaling;
        }
    }

    /** A list of unordered values; one-hot encoded for the Gaussian process. */
    record Categorical(String name, List<String> values) implements Parameter {
        public Categorical {
            values = values == null ? List.of() : List.copyOf(values);
        }
    }
}
