package dev.lmforge.tuner.strategy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomAndGridSearchTest {

    @Test
    void randomSearchIsDeterministicPerSeedAndSamplesOnTheScale() {
        SearchSpace s = SearchSpaceTest.mixed();
        List<Assignment> a = drive(new RandomSearch(s, 5), 200, 1);
        List<Assignment> b = drive(new RandomSearch(s, 5), 200, 7);
        assertEquals(a, b, "same seed, same points, whatever the batch sizes");
        assertNotEquals(a, drive(new RandomSearch(s, 6), 200, 1));
        long below = a.stream().filter(x -> x.getDouble("lr") < Math.sqrt(1e-4 * 1e-1)).count();
        assertEquals(100, below, 25, "log-uniform: half below the geometric mean");
    }

    @Test
    void randomSearchDoesNotRepeatInASmallSpace() {
        SearchSpace s = SearchSpace.of(Parameter.categorical("a", "x", "y", "z"), Parameter.integer("b", 1, 3, Scaling.LINEAR));
        List<Assignment> points = drive(new RandomSearch(s, 1), 9, 3);
        Set<String> keys = new HashSet<>();
        points.forEach(p -> keys.add(s.key(p)));
        assertEquals(9, keys.size(), "all 9 points of the 3 x 3 space, once each");
    }

    @Test
    void gridLevelsFitMaxJobs() {
        SearchSpace s = SearchSpace.of(
                Parameter.continuous("lr", 1e-4, 1e-1, Scaling.LOGARITHMIC),
                Parameter.continuous("dropout", 0.0, 0.5, Scaling.LINEAR),
                Parameter.categorical("opt", "adam", "sgd"));
        GridSearch g = new GridSearch(s, 50);
        assertEquals(50, g.size(), "2 categories x 5 x 5 levels");
        List<Object> lr = g.levels().get("lr");
        assertEquals(1e-4, (double) lr.get(0), 1e-15);
        assertEquals(Math.sqrt(1e-4 * 1e-1), (double) lr.get(2), 1e-12, "log-spaced levels");
        assertEquals(0.1, (double) lr.get(4), 1e-15);
        assertEquals(List.of(0.0, 0.125, 0.25, 0.375, 0.5), g.levels().get("dropout"));
        assertEquals(40, new GridSearch(s, 49).size(), "2 x 5 x 4: one more level anywhere would give 50 > 49");
    }

    @Test
    void gridIntegerLevelsNeverExceedTheValues() {
        SearchSpace s = SearchSpace.of(Parameter.integer("layers", 1, 3, Scaling.LINEAR), Parameter.continuous("x", 0, 1, Scaling.LINEAR));
        GridSearch g = new GridSearch(s, 30);
        assertEquals(List.of(1L, 2L, 3L), g.levels().get("layers"));
        assertEquals(30, g.size());
    }

    @Test
    void gridEnumeratesEveryPointOnceThenStops() {
        SearchSpace s = SearchSpace.of(
                Parameter.integer("layers", 1, 2, Scaling.LINEAR),
                Parameter.continuous("dropout", 0.0, 0.5, Scaling.LINEAR),
                Parameter.categorical("opt", "adam", "sgd", "rmsprop"));
        GridSearch g = new GridSearch(s, 18);
        assertEquals(18, g.size());
        assertEquals(Map.of("layers", 1L, "dropout", 0.0, "opt", "adam"), g.point(0).values());
        assertEquals(Map.of("layers", 1L, "dropout", 0.0, "opt", "sgd"), g.point(1).values(), "last parameter varies fastest");
        List<Observation> obs = new ArrayList<>();
        List<Assignment> pending = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        while (true) {
            List<Assignment> next = g.suggest(4, obs, pending);
            if (next.isEmpty()) {
                break;
            }
            for (Assignment a : next) {
                assertTrue(keys.add(s.key(a)), "no repeats");
            }
            pending.addAll(next);
            // finish the oldest two, keep the rest pending
            while (pending.size() > 2) {
                obs.add(new Observation(pending.remove(0), 1.0));
            }
        }
        assertEquals(18, keys.size());
        assertEquals(List.of(), g.suggest(1, obs, pending));
    }

    @Test
    void gridSkipsWarmStartPoints() {
        SearchSpace s = SearchSpace.of(Parameter.categorical("opt", "adam", "sgd", "rmsprop"));
        GridSearch g = new GridSearch(s, 10);
        List<Observation> parent = List.of(new Observation(s.parse(Map.of("opt", "sgd")), 0.5));
        List<Assignment> next = g.suggest(5, parent, List.of());
        assertEquals(List.of("adam", "rmsprop"), next.stream().map(a -> a.getString("opt")).toList());
    }

    @Test
    void factoryBuildsEveryStrategy() {
        SearchSpace s = SearchSpaceTest.mixed();
        assertTrue(Strategies.create(StrategySpec.of(StrategyType.RANDOM, s).withSeed(3)) instanceof RandomSearch);
        assertTrue(Strategies.create(StrategySpec.of(StrategyType.BAYESIAN, s)) instanceof BayesianOptimization);
        assertTrue(Strategies.create(StrategySpec.of(StrategyType.GRID, s).withMaxJobs(100)) instanceof GridSearch);
        assertTrue(Strategies.create(StrategySpec.of(StrategyType.HYPERBAND, s).withHyperband(Hyperband.Options.of(27))) instanceof Hyperband);
        assertEquals("grid search needs max_jobs > 0 to size its grid, got 0",
                assertThrows(IllegalArgumentException.class, () -> Strategies.create(StrategySpec.of(StrategyType.GRID, s))).getMessage());
        assertEquals("Hyperband needs its resource settings (max epochs per trial)",
                assertThrows(IllegalArgumentException.class, () -> Strategies.create(StrategySpec.of(StrategyType.HYPERBAND, s))).getMessage());
    }

    /** Suggests `count` points in batches of `batch`, each batch observed (value 0) before the next. */
    static List<Assignment> drive(SuggestionStrategy strategy, int count, int batch) {
        List<Observation> obs = new ArrayList<>();
        List<Assignment> all = new ArrayList<>();
        while (all.size() < count) {
            List<Assignment> next = strategy.suggest(Math.min(batch, count - all.size()), obs, List.of());
            all.addAll(next);
            next.forEach(a -> obs.add(new Observation(a, 0.0)));
        }
        return all;
    }
}
