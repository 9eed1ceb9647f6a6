package dev.lmforge.tuner.strategy;

import java.util.Objects;

/**
 * Everything needed to build a strategy ({@link Strategies#create}).
 *
 * @param type      which strategy
 * @param space     the validated search space
 * @param seed      the tuning job's random seed (same seed, same observations: same suggestions)
 * @param maxJobs   the job's trial budget; Grid sizes its grid to about this many points
 * @param hyperband Hyperband's resource settings (required for HYPERBAND, ignored otherwise)
 * @param bayesian  Bayesian optimisation settings (defaults when null)
 */
public record StrategySpec(StrategyType type, SearchSpace space, long seed, int maxJobs, Hyperband.Options hyperband,
                           BayesianOptimization.Options bayesian) {

    public StrategySpec {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(space, "space");
        bayesian = bayesian == null ? BayesianOptimization.Options.defaults() : bayesian;
    }

    public static StrategySpec of(StrategyType type, SearchSpace space) {
        return new StrategySpec(type, space, 0L, 0, null, null);
    }

    public StrategySpec withSeed(long seed) {
        return new StrategySpec(type, space, seed, maxJobs, hyperband, bayesian);
    }

    public StrategySpec withMaxJobs(int maxJobs) {
        return new StrategySpec(type, space, seed, maxJobs, hyperband, bayesian);
    }

    public StrategySpec withHyperband(Hyperband.Options hyperband) {
        return new StrategySpec(type, space, seed, maxJobs, hyperband, bayesian);
    }

    public StrategySpec withBayesian(BayesianOptimization.Options bayesian) {
        return new StrategySpec(type, space, seed, maxJobs, hyperband, bayesian);
    }
}
