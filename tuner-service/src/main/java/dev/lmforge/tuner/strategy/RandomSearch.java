package dev.lmforge.tuner.strategy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Random search: the k-th suggestion of a job (k = observations + pending + position in the batch)
 * is a point drawn uniformly in unit coordinates from a stream seeded by (seed, k), so numeric
 * ranges are sampled uniformly on their scale (log-uniform for logarithmic ranges) and every
 * category and integer is equally likely. Avoids repeating an observed or pending assignment where
 * the space has room (small discrete spaces).
 */
public final class RandomSearch implements SuggestionStrategy {

    private static final int MAX_REDRAWS = 64;

    private final SearchSpace space;
    private final long seed;

    public RandomSearch(SearchSpace space, long seed) {
        this.space = space;
        this.seed = seed;
    }

    @Override
    public List<Assignment> suggest(int n, List<Observation> observations, List<Assignment> pending) {
        Set<String> seen = new HashSet<>();
        observations.forEach(o -> seen.add(space.key(o.assignment())));
        pending.forEach(a -> seen.add(space.key(a)));
        int issued = observations.size() + pending.size();
        List<Assignment> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(draw(space, seed, issued + i, seen));
        }
        return out;
    }

    /** The k-th random point of the stream (seed, k), redrawn (deterministically) while it is in seen; adds it to seen. */
    static Assignment draw(SearchSpace space, long seed, long k, Set<String> seen) {
        SplittableRandom random = Seeds.stream(seed, 0x52414e44L, k);
        Assignment a = null;
        for (int attempt = 0; attempt <= MAX_REDRAWS; attempt++) {
            a = space.fromUnit(uniform(random, space.size()));
            if (seen.add(space.key(a))) {
                return a;
            }
        }
        return a;
    }

    static double[] uniform(SplittableRandom random, int d) {
        double[] u = new double[d];
        for (int i = 0; i < d; i++) {
            u[i] = random.nextDouble();
        }
        return u;
    }
}
