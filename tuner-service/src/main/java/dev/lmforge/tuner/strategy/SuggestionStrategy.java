package dev.lmforge.tuner.strategy;

import java.util.List;

/**
 * A search strategy. Stateless between calls: every decision is a function of the seed, the
 * observations and the pending assignments, so a restarted service that reloads its trials from S3
 * gets the same suggestions it would have got without the restart.
 */
public interface SuggestionStrategy {

    /**
     * Up to {@code n} new assignments to evaluate next.
     *
     * @param n            how many trials the service can start now (free parallel slots)
     * @param observations every finished trial so far (own and warm-start parents'), objective minimised;
     *                     failed trials with a non-finite value
     * @param pending      assignments suggested earlier whose trials are still running
     * @return at most {@code n} assignments, possibly fewer (or none: the strategy is exhausted, e.g. a
     *         finished grid, or waits for pending results)
     */
    List<Assignment> suggest(int n, List<Observation> observations, List<Assignment> pending);
}
