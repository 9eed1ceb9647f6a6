package dev.lmforge.bench;

import dev.lmforge.tuner.strategy.Assignment;
import dev.lmforge.tuner.strategy.BayesianOptimization;
import dev.lmforge.tuner.strategy.Observation;
import dev.lmforge.tuner.strategy.Parameter;
import dev.lmforge.tuner.strategy.RandomSearch;
import dev.lmforge.tuner.strategy.Scaling;
import dev.lmforge.tuner.strategy.SearchSpace;
import dev.lmforge.tuner.strategy.SuggestionStrategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;

/**
 * Search-strategy quality on two standard test functions, Bayesian optimisation (GP-EI) against
 * random search measured in the same run (the baseline):
 * <ul>
 *   <li>Branin (2-D, global minimum 0.397887): evaluations until the simple regret (best so far minus
 *       the global minimum) is &lt;= 0.01;</li>
 *   <li>Hartmann-6 (6-D, global minimum -3.32237): evaluations until regret &lt;= 0.3 and &lt;= 0.1;</li>
 * </ul>
 * medians over seeds (not reached within the budget counts as &gt; budget), the median final regret
 * after the budget, the time per suggestion at 100 observations, and batch proposals (q points per
 * round, kriging believer) against sequential ones at the same number of evaluations.
 * Reference (scikit-learn GP-EI): Branin &lt;= 0.01 in a median of 25 evaluations; Hartmann-6 &lt;= 0.3
 * in 35, median final regret 0.0076 after 100.
 *
 * <p>Usage: TunerBench [seeds=20] [evals=100] [batchSeeds=10] [functions=branin,hartmann6] [batch=2,4]
 */
public final class TunerBench {

    record Problem(String name, SearchSpace space, ToDoubleFunction<Assignment> f, double minimum, double[] thresholds) {
    }

    record Run(double[] bestSoFar) {
        double regretAfter(int evals, double minimum) {
            return bestSoFar[Math.min(evals, bestSoFar.length) - 1] - minimum;
        }

        /** 1-based evaluation count at which regret first reached the threshold, or MAX_VALUE. */
        int evalsTo(double threshold, double minimum) {
            for (int i = 0; i < bestSoFar.length; i++) {
                if (bestSoFar[i] - minimum <= threshold) {
                    return i + 1;
                }
            }
            return Integer.MAX_VALUE;
        }
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        int seeds = intArg(args, "seeds", 20);
        int evals = intArg(args, "evals", 100);
        int batchSeeds = intArg(args, "batchSeeds", 10);
        List<String> functions = List.of(strArg(args, "functions", "branin,hartmann6").split(","));
        int[] batches = Arrays.stream(strArg(args, "batch", "2,4").split(",")).filter(s -> !s.isBlank()).mapToInt(Integer::parseInt).toArray();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(threads);

        System.out.printf("seeds %d, budget %d evaluations, sequential (one suggestion at a time), %d worker threads%n", seeds, evals, threads);
        System.out.println("reference (scikit-learn GP-EI): Branin regret<=0.01 in median 25 evals; Hartmann-6 regret<=0.3 in 35, final regret 0.0076 after 100");
        List<Problem> problems = new ArrayList<>();
        for (String f : functions) {
            problems.add(switch (f.trim()) {
                case "branin" -> branin();
                case "hartmann6" -> hartmann6();
                default -> throw new IllegalArgumentException("unknown function " + f);
            });
        }
        System.out.printf("%-10s %-9s %-22s %-22s %-22s %14s %12s %12s%n", "function", "strategy",
                "evals to regret<=t1", "evals to regret<=t2", "", "final regret", "p25", "p75");
        java.util.Map<String, List<Run>> sequentialRandom = new java.util.HashMap<>();
        java.util.Map<String, List<Run>> sequentialBayes = new java.util.HashMap<>();
        for (Problem problem : problems) {
            List<Run> random = runAll(pool, problem, seeds, evals, 1, RandomSearch::new);
            List<Run> bayes = runAll(pool, problem, seeds, evals, 1, BayesianOptimization::new);
            sequentialRandom.put(problem.name(), random);
            sequentialBayes.put(problem.name(), bayes);
            print(problem, "Random", random, evals);
            print(problem, "Bayesian", bayes, evals);
            for (int t = 0; t < problem.thresholds().length; t++) {
                double thr = problem.thresholds()[t];
                double r = medianEvals(random, thr, problem.minimum());
                double b = medianEvals(bayes, thr, problem.minimum());
                String ratio = Double.isInfinite(b) ? "n/a (Bayesian median not reached)"
                        : Double.isInfinite(r) ? ">" + String.format("%.1f", evals / b) + " (Random median not reached)" : String.format("%.2f", r / b);
                System.out.printf("%-10s ratio evals to regret<=%s: Random/Bayesian = %s%n", problem.name(), fmtThr(thr), ratio);
            }
            System.out.printf("%-10s ratio final regret: Random/Bayesian = %.1f%n", problem.name(),
                    medianRegret(random, evals, problem.minimum()) / medianRegret(bayes, evals, problem.minimum()));
        }

        System.out.println();
        System.out.println("time per suggestion at 100 observations (single thread, mean of 5 after warm-up)");
        for (Problem problem : problems) {
            List<Observation> hundred = observationsFrom(new RandomSearch(problem.space(), 7), problem, 100);
            double r = timeSuggest(new RandomSearch(problem.space(), 1), hundred);
            double b = timeSuggest(new BayesianOptimization(problem.space(), 1), hundred);
            System.out.printf("%-10s Random %8.3f ms   Bayesian %8.1f ms   ratio %.0fx%n", problem.name(), r * 1e3, b * 1e3, b / r);
        }

        if (batches.length > 0 && batchSeeds > 0) {
            System.out.println();
            System.out.printf("batch proposals (q suggestions per round, kriging believer), %d seeds, median regret after the same number of evaluations%n", batchSeeds);
            System.out.printf("%-10s %-13s %10s %12s %12s %-22s %-22s%n", "function", "strategy", "rounds", "regret@" + evals / 2, "regret@" + evals,
                    "evals to regret<=t1", "evals to regret<=t2");
            for (Problem problem : problems) {
                // q = 1 and Random: the first batchSeeds sequential runs above (same seeds)
                int k = Math.min(batchSeeds, seeds);
                printBatch(problem, "Random", 1, sequentialRandom.get(problem.name()).subList(0, k), evals);
                printBatch(problem, "Bayesian q=1", 1, sequentialBayes.get(problem.name()).subList(0, k), evals);
                for (int q : batches) {
                    List<Run> runs = runAll(pool, problem, k, evals, q, BayesianOptimization::new);
                    printBatch(problem, "Bayesian q=" + q, q, runs, evals);
                }
            }
        }
        pool.shutdown();
    }

    // ---- runs -------------------------------------------------------------------------------------

    static List<Run> runAll(ExecutorService pool, Problem problem, int seeds, int evals, int q,
                            BiFunction<SearchSpace, Long, SuggestionStrategy> factory) throws Exception {
        List<Future<Run>> futures = new ArrayList<>();
        for (int s = 0; s < seeds; s++) {
            long seed = 1000 + s;
            futures.add(pool.submit(() -> run(factory.apply(problem.space(), seed), problem, evals, q)));
        }
        List<Run> runs = new ArrayList<>();
        for (Future<Run> f : futures) {
            runs.add(f.get());
        }
        return runs;
    }

    /** Rounds of q suggestions, each round evaluated before the next (synchronous parallel trials). */
    static Run run(SuggestionStrategy strategy, Problem problem, int evals, int q) {
        List<Observation> obs = new ArrayList<>();
        double[] best = new double[evals];
        double b = Double.POSITIVE_INFINITY;
        while (obs.size() < evals) {
            int n = Math.min(q, evals - obs.size());
            List<Assignment> batch = strategy.suggest(n, obs, List.of());
            if (batch.isEmpty()) {
                throw new IllegalStateException("no suggestion");
            }
            for (Assignment a : batch) {
                double v = problem.f().applyAsDouble(a);
                obs.add(new Observation(a, v));
                b = Math.min(b, v);
                best[obs.size() - 1] = b;
            }
        }
        return new Run(best);
    }

    static List<Observation> observationsFrom(SuggestionStrategy strategy, Problem problem, int count) {
        List<Observation> obs = new ArrayList<>();
        while (obs.size() < count) {
            for (Assignment a : strategy.suggest(1, obs, List.of())) {
                obs.add(new Observation(a, problem.f().applyAsDouble(a)));
            }
        }
        return obs;
    }

    static double timeSuggest(SuggestionStrategy strategy, List<Observation> obs) {
        for (int i = 0; i < 2; i++) {
            strategy.suggest(1, obs, List.of());
        }
        int reps = 5;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            strategy.suggest(1, obs.subList(0, obs.size() - (i % 2)), List.of());
        }
        return (System.nanoTime() - t0) / 1e9 / reps;
    }

    // ---- statistics and printing -----------------------------------------------------------------

    static double medianEvals(List<Run> runs, double threshold, double minimum) {
        return median(runs.stream().mapToDouble(r -> {
            int e = r.evalsTo(threshold, minimum);
            return e == Integer.MAX_VALUE ? Double.POSITIVE_INFINITY : e;
        }).toArray());
    }

    static double medianRegret(List<Run> runs, int evals, double minimum) {
        return median(runs.stream().mapToDouble(r -> r.regretAfter(evals, minimum)).toArray());
    }

    static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        if (Double.isInfinite(s[lo]) || Double.isInfinite(s[hi])) {
            return s[hi];
        }
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    static double median(double[] v) {
        return quantile(v, 0.5);
    }

    static String evalsCell(List<Run> runs, double thr, double minimum, int budget) {
        double m = medianEvals(runs, thr, minimum);
        long reached = runs.stream().filter(r -> r.evalsTo(thr, minimum) != Integer.MAX_VALUE).count();
        String med = Double.isInfinite(m) ? ">" + budget : String.format("%.1f", m);
        return String.format("%s: %6s (%d/%d)", fmtThr(thr), med, reached, runs.size());
    }

    static String fmtThr(double thr) {
        return String.valueOf(thr);
    }

    static void print(Problem p, String strategy, List<Run> runs, int evals) {
        String[] cells = {"", "", ""};
        for (int t = 0; t < p.thresholds().length && t < 3; t++) {
            cells[t] = evalsCell(runs, p.thresholds()[t], p.minimum(), evals);
        }
        double[] finals = runs.stream().mapToDouble(r -> r.regretAfter(evals, p.minimum())).toArray();
        System.out.printf("%-10s %-9s %-22s %-22s %-22s %14.3g %12.3g %12.3g%n", p.name(), strategy, cells[0], cells[1], cells[2],
                median(finals), quantile(finals, 0.25), quantile(finals, 0.75));
    }

    static void printBatch(Problem p, String strategy, int q, List<Run> runs, int evals) {
        String[] cells = {"", ""};
        for (int t = 0; t < p.thresholds().length && t < 2; t++) {
            cells[t] = evalsCell(runs, p.thresholds()[t], p.minimum(), evals);
        }
        System.out.printf("%-10s %-13s %10d %12.3g %12.3g %-22s %-22s%n", p.name(), strategy, (evals + q - 1) / q,
                medianRegret(runs, evals / 2, p.minimum()), medianRegret(runs, evals, p.minimum()), cells[0], cells[1]);
    }

    static int intArg(String[] args, String key, int def) {
        return Integer.parseInt(strArg(args, key, Integer.toString(def)));
    }

    static String strArg(String[] args, String key, String def) {
        for (String a : args) {
            if (a.startsWith(key + "=")) {
                return a.substring(key.length() + 1);
            }
        }
        return def;
    }

    // ---- test functions ---------------------------------------------------------------------------

    static Problem branin() {
        SearchSpace space = SearchSpace.of(
                Parameter.continuous("x1", -5, 10, Scaling.LINEAR),
                Parameter.continuous("x2", 0, 15, Scaling.LINEAR));
        return new Problem("branin", space, a -> branin(a.getDouble("x1"), a.getDouble("x2")), 0.397887, new double[] {0.01});
    }

    static double branin(double x1, double x2) {
        double b = 5.1 / (4 * Math.PI * Math.PI);
        double c = 5 / Math.PI;
        double t = 1 / (8 * Math.PI);
        double u = x2 - b * x1 * x1 + c * x1 - 6;
        return u * u + 10 * (1 - t) * Math.cos(x1) + 10;
    }

    private static final double[] H_ALPHA = {1.0, 1.2, 3.0, 3.2};
    private static final double[][] H_A = {
            {10, 3, 17, 3.5, 1.7, 8},
            {0.05, 10, 17, 0.1, 8, 14},
            {3, 3.5, 1.7, 10, 17, 8},
            {17, 8, 0.05, 10, 0.1, 14}};
    private static final double[][] H_P = {
            {1312, 1696, 5569, 124, 8283, 5886},
            {2329, 4135, 8307, 3736, 1004, 9991},
            {2348, 1451, 3522, 2883, 3047, 6650},
            {4047, 8828, 8732, 5743, 1091, 381}};

    static Problem hartmann6() {
        List<Parameter> params = new ArrayList<>();
        for (int j = 0; j < 6; j++) {
            params.add(Parameter.continuous("x" + (j + 1), 0, 1, Scaling.LINEAR));
        }
        SearchSpace space = SearchSpace.of(params);
        return new Problem("hartmann6", space, a -> {
            double[] x = new double[6];
            for (int j = 0; j < 6; j++) {
                x[j] = a.getDouble("x" + (j + 1));
            }
            return hartmann6(x);
        }, -3.32237, new double[] {0.3, 0.1});
    }

    static double hartmann6(double[] x) {
        double s = 0;
        for (int i = 0; i < 4; i++) {
            double inner = 0;
            for (int j = 0; j < 6; j++) {
                double d = x[j] - H_P[i][j] * 1e-4;
                inner += H_A[i][j] * d * d;
            }
            s += H_ALPHA[i] * Math.exp(-inner);
        }
        return -s;
    }
}
