package dev.lmforge.tuner.strategy;

/** Builds a {@link SuggestionStrategy} from a {@link StrategySpec}. */
public final class Strategies {

    private Strategies() {
    }

    public static SuggestionStrategy create(StrategySpec spec) {
        return switch (spec.type()) {
            case RANDOM -> new RandomSearch(spec.space(), spec.seed());
            case BAYESIAN -> new BayesianOptimization(spec.space(), spec.seed(), spec.bayesian());
            case GRID -> {
                if (spec.maxJobs() <= 0) {
                    throw new IllegalArgumentException("grid search needs max_jobs > 0 to size its grid, got " + spec.maxJobs());
                }
                yield new GridSearch(spec.space(), spec.maxJobs());
            }
            case HYPERBAND -> {
                if (spec.hyperband() == null) {
                    throw new IllegalArgumentException("Hyperband needs its resource settings (max epochs per trial)");
                }
                yield new Hyperband(spec.space(), spec.seed(), spec.hyperband());
            }
        };
    }
}
