package dev.lmforge.tuner.strategy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BayesianOptimizationTest {

    static final SearchSpace BRANIN = SearchSpace.of(
            Parameter.continuous("x1", -5, 10, Scaling.LINEAR),
            Parameter.continuous("x2", 0, 15, Scaling.LINEAR));
    static final double BRANIN_MIN = 0.397887;

    static double branin(Assignment a) {
        double x1 = a.getDouble("x1");
        double x2 = a.getDouble("x2");
        double u = x2 - 5.1 / (4 * Math.PI * Math.PI) * x1 * x1 + 5 / Math.PI * x1 - 6;
        return u * u + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
    }

    static double bestAfter(SuggestionStrategy s, ToDoubleFunction<Assignment> f, int evals, int batch) {
        List<Observation> obs = new ArrayList<>();
        double best = Double.POSITIVE_INFINITY;
        while (obs.size() < evals) {
            for (Assignment a : s.suggest(Math.min(batch, evals - obs.size()), obs, List.of())) {
                double v = f.applyAsDouble(a);
                obs.add(new Observation(a, v));
                best = Math.min(best, v);
            }
        }
        return best;
    }

    @Test
    void beatsRandomSearchOnBraninWithASmallBudget() {
        for (long seed : new long[] {1, 2}) {
            double bo = bestAfter(new BayesianOptimization(BRANIN, seed), BayesianOptimizationTest::branin, 25, 1) - BRANIN_MIN;
            double rs = bestAfter(new RandomSearch(BRANIN, seed), BayesianOptimizationTest::branin, 25, 1) - BRANIN_MIN;
            assertTrue(bo < 0.05, "seed " + seed + ": Bayesian regret after 25 evaluations " + bo);
            assertTrue(bo < rs / 5, "seed " + seed + ": Bayesian " + bo + " vs random " + rs);
        }
    }

    @Test
    void deterministicForASeedAndDifferentAcrossSeeds() {
        List<Observation> obs = observations(new RandomSearch(BRANIN, 9), 8);
        List<Assignment> a = new BayesianOptimization(BRANIN, 3).suggest(2, obs, List.of());
        List<Assignment> b = new BayesianOptimization(BRANIN, 3).suggest(2, obs, List.of());
        assertEquals(a, b);
        List<Assignment> design1 = new BayesianOptimization(BRANIN, 3).suggest(3, List.of(), List.of());
        List<Assignment> design2 = new BayesianOptimization(BRANIN, 4).suggest(3, List.of(), List.of());
        assertTrue(!design1.equals(design2));
        assertEquals(design1, new BayesianOptimization(BRANIN, 3).suggest(3, List.of(), List.of()));
    }

    @Test
    void initialDesignIsALatinHypercubeThenTheModelTakesOver() {
        BayesianOptimization bo = new BayesianOptimization(BRANIN, 5, BayesianOptimization.Options.defaults().withInitialPoints(4));
        List<Assignment> design = bo.suggest(4, List.of(), List.of());
        Set<Integer> cellsX1 = new HashSet<>();
        for (Assignment a : design) {
            cellsX1.add((int) Math.floor(BRANIN.toUnit(a)[0] * 4));
        }
        assertEquals(4, cellsX1.size(), "one point per quarter of x1");
        // pending design points: the next ones continue the design, not repeat it
        List<Assignment> more = bo.suggest(2, List.of(), design.subList(0, 2));
        assertEquals(design.subList(2, 4), more);
    }

    @Test
    void batchProposalsAreDistinctAndSpreadOut() {
        List<Observation> obs = observations(new RandomSearch(BRANIN, 11), 10);
        BayesianOptimization bo = new BayesianOptimization(BRANIN, 1);
        List<Assignment> batch = bo.suggest(4, obs, List.of());
        assertEquals(4, batch.size());
        for (int i = 0; i < batch.size(); i++) {
            for (int j = 0; j < i; j++) {
                double[] a = BRANIN.toUnit(batch.get(i));
                double[] b = BRANIN.toUnit(batch.get(j));
                double dist = Math.hypot(a[0] - b[0], a[1] - b[1]);
                assertTrue(dist > 1e-3, "batch points " + i + " and " + j + " coincide");
            }
        }
        // with the first two pending, the next proposal is not one of them
        List<Assignment> next = bo.suggest(1, obs, batch.subList(0, 2));
        assertTrue(!batch.subList(0, 2).contains(next.get(0)));
        for (BayesianOptimization.BatchMode mode : BayesianOptimization.BatchMode.values()) {
            List<Assignment> b = new BayesianOptimization(BRANIN, 1, BayesianOptimization.Options.defaults().withBatchMode(mode)).suggest(3, obs, List.of());
            assertEquals(3, new HashSet<>(b).size(), mode + " gives distinct points");
        }
    }

    @Test
    void mixedSpacesGiveValidAssignmentsAndFindTheGoodCategory() {
        SearchSpace s = SearchSpace.of(
                Parameter.continuous("lr", 1e-4, 1e-1, Scaling.LOGARITHMIC),
                Parameter.integer("layers", 1, 4, Scaling.LINEAR),
                Parameter.categorical("cell", "lstm", "gru", "rnn"));
        ToDoubleFunction<Assignment> f = a -> Math.pow(Math.log10(a.getDouble("lr")) + 2.5, 2)
                + 0.3 * Math.abs(a.getLong("layers") - 2)
                + (a.getString("cell").equals("gru") ? 0 : 1.5);
        BayesianOptimization bo = new BayesianOptimization(s, 7);
        List<Observation> obs = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Assignment a = bo.suggest(1, obs, List.of()).get(0);
            assertEquals(a, s.normalize(a), "valid, canonical values");
            obs.add(new Observation(a, f.applyAsDouble(a)));
        }
        Observation best = obs.stream().min((x, y) -> Double.compare(x.value(), y.value())).orElseThrow();
        assertEquals("gru", best.assignment().getString("cell"));
        assertEquals(2L, best.assignment().getLong("layers"));
        assertTrue(best.value() < 0.1, "best " + best);
        long distinct = obs.stream().map(o -> s.key(o.assignment())).distinct().count();
        assertEquals(obs.size(), distinct, "no point proposed twice");
    }

    @Test
    void failedTrialsAndWarmStartObservationsAreUsed() {
        // warm start: a parent's 10 observations skip the initial design
        List<Observation> parent = observations(new RandomSearch(BRANIN, 21), 10);
        BayesianOptimization bo = new BayesianOptimization(BRANIN, 2);
        List<Observation> own = new ArrayList<>(parent);
        for (int i = 0; i < 12; i++) {
            Assignment a = bo.suggest(1, own, List.of()).get(0);
            own.add(i == 0 ? Observation.failed(a) : new Observation(a, branin(a)));
        }
        double best = own.stream().filter(o -> !o.isFailed()).mapToDouble(Observation::value).min().orElseThrow();
        assertTrue(best - BRANIN_MIN < 0.2, "12 guided evaluations after a warm start reach regret " + (best - BRANIN_MIN));
    }

    @Test
    void parameterImportanceFindsTheParameterThatMatters() {
        SearchSpace s = SearchSpace.of(
                Parameter.continuous("strong", 0, 1, Scaling.LINEAR),
                Parameter.continuous("weak", 0, 1, Scaling.LINEAR),
                Parameter.categorical("noise", "a", "b"));
        List<Observation> obs = new ArrayList<>();
        RandomSearch rs = new RandomSearch(s, 3);
        for (int i = 0; i < 40; i++) {
            Assignment a = rs.suggest(1, obs, List.of()).get(0);
            obs.add(new Observation(a, Math.sin(5 * a.getDouble("strong")) * 3 + 0.3 * a.getDouble("weak")));
        }
        for (ParameterImportance.Method m : ParameterImportance.Method.values()) {
            Map<String, Double> imp = ParameterImportance.compute(s, obs, m, 1);
            assertEquals(1.0, imp.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
            assertTrue(imp.get("strong") > 0.6, m + ": " + imp);
            assertTrue(imp.get("strong") > imp.get("weak") && imp.get("weak") > imp.get("noise") - 0.05, m + ": " + imp);
        }
        assertEquals(Map.of(), ParameterImportance.compute(s, obs.subList(0, 2), ParameterImportance.Method.FANOVA, 1));
    }

    static List<Observation> observations(SuggestionStrategy s, int n) {
        List<Observation> obs = new ArrayList<>();
        while (obs.size() < n) {
            for (Assignment a : s.suggest(1, obs, List.of())) {
                obs.add(new Observation(a, branin(a)));
            }
        }
        return obs;
    }
}
