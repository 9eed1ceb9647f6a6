package dev.lmforge.tuner.strategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Bayesian optimisation with a Gaussian process (Matérn 5/2 ARD, fitted by maximum marginal
 * likelihood) and expected improvement, on the search space's features (unit cube, categoricals
 * one-hot).
 * <ol>
 *   <li>Until {@code initialPoints} observations exist: a maximin Latin hypercube design (seeded),
 *       then random points while the design's results are still pending.</li>
 *   <li>Then: fit the GP to the observations (failed trials imputed with the worst observed value),
 *       add the pending points as fantasies (kriging believer: the posterior mean; or a constant liar),
 *       and maximise log-EI over many random candidates and perturbations of the best observations,
 *       refined by box-constrained L-BFGS on the continuous dimensions and a neighbourhood search
 *       over integers and categories (which are always evaluated rounded / one-hot). A batch of n is
 *       built one point at a time, each chosen point becoming a fantasy for the next.</li>
 * </ol>
 * Deterministic: the random streams are derived from the seed and the number of observations and
 * pending points, never from call history.
 */
public final class BayesianOptimization implements SuggestionStrategy {

    /** How pending points (and earlier points of the same batch) are fantasised. */
    public enum BatchMode {
        /** Fantasy = the GP's posterior mean at the point. */
        KRIGING_BELIEVER,
        /** Fantasy = the best (lowest) observed value. */
        CONSTANT_LIAR_MIN,
        /** Fantasy = the mean observed value. */
        CONSTANT_LIAR_MEAN,
        /** Fantasy = the worst observed value. */
        CONSTANT_LIAR_MAX
    }

    /** How observed values are transformed before the GP sees them (it then standardises them). */
    public enum OutputTransform {
        /** Values as they are. */
        NONE,
        /** Rank-Gauss (a Gaussian copula): the i-th smallest of n values becomes Phi^-1((i - 0.5) / n). */
        RANK_GAUSS
    }

    /**
     * @param initialPoints    design points before the GP takes over; &lt;= 0 picks max(3, d + 1), d = number of parameters
     * @param randomCandidates random candidates scored per proposal; &lt;= 0 picks min(20000, 2000 + 500 * features)
     * @param localStarts      best candidates refined by local search
     * @param xi               EI exploration margin, in standardised output units (0 = plain EI)
     * @param batchMode        fantasies for pending and batch points
     * @param fit              GP hyperparameter fitting
     * @param outputTransform  transform of the observed values before the GP
     */
    public record Options(int initialPoints, int randomCandidates, int localStarts, double xi, BatchMode batchMode,
                          GaussianProcess.FitOptions fit, OutputTransform outputTransform) {
        public static Options defaults() {
            return new Options(0, 0, 6, 0.0, BatchMode.KRIGING_BELIEVER, GaussianProcess.FitOptions.defaults(), OutputTransform.NONE);
        }

        public Options withOutputTransform(OutputTransform outputTransform) {
            return new Options(initialPoints, randomCandidates, localStarts, xi, batchMode, fit, outputTransform);
        }

        public Options withInitialPoints(int initialPoints) {
            return new Options(initialPoints, randomCandidates, localStarts, xi, batchMode, fit, outputTransform);
        }

        public Options withBatchMode(BatchMode batchMode) {
            return new Options(initialPoints, randomCandidates, localStarts, xi, batchMode, fit, outputTransform);
        }

        public Options withXi(double xi) {
            return new Options(initialPoints, randomCandidates, localStarts, xi, batchMode, fit, outputTransform);
        }

        public Options withRandomCandidates(int randomCandidates) {
            return new Options(initialPoints, randomCandidates, localStarts, xi, batchMode, fit, outputTransform);
        }

        public Options withFit(GaussianProcess.FitOptions fit) {
            return new Options(initialPoints, randomCandidates, localStarts, xi, batchMode, fit, outputTransform);
        }
    }

    private final SearchSpace space;
    private final long seed;
    private final Options options;
    private final int initialPoints;
    private final int[] continuousFeatures;

    public BayesianOptimization(SearchSpace space, long seed) {
        this(space, seed, Options.defaults());
    }

    public BayesianOptimization(SearchSpace space, long seed, Options options) {
        this.space = space;
        this.seed = seed;
        this.options = options;
        this.initialPoints = options.initialPoints() > 0 ? options.initialPoints() : Math.max(3, space.size() + 1);
        List<Integer> cont = new ArrayList<>();
        for (int p = 0; p < space.size(); p++) {
            if (space.kind(p) == SearchSpace.Kind.CONTINUOUS) {
                cont.add(space.featureOffset(p));
            }
        }
        this.continuousFeatures = cont.stream().mapToInt(Integer::intValue).toArray();
    }

    public SearchSpace space() {
        return space;
    }

    public int initialPoints() {
        return initialPoints;
    }

    @Override
    public List<Assignment> suggest(int n, List<Observation> observations, List<Assignment> pending) {
        if (n <= 0) {
            return List.of();
        }
        Set<String> seen = new HashSet<>();
        observations.forEach(o -> seen.add(space.key(o.assignment())));
        pending.forEach(a -> seen.add(space.key(a)));
        long finite = observations.stream().filter(o -> !o.isFailed()).count();
        int issued = observations.size() + pending.size();
        if (finite < initialPoints) {
            return initialDesign(n, issued, seen);
        }
        GaussianProcess gp = fit(observations, Seeds.stream(seed, 0x4750L, observations.size()));
        SplittableRandom random = Seeds.stream(seed, 0x4541L, observations.size(), pending.size());
        double[] ys = gp.standardizedY();
        double best = Arrays.stream(ys).min().orElse(0);
        double worst = Arrays.stream(ys).max().orElse(0);
        double avg = Arrays.stream(ys).average().orElse(0);
        List<double[]> fantasyX = new ArrayList<>();
        for (Assignment a : pending) {
            fantasyX.add(space.toFeatures(a));
        }
        List<double[]> bestObs = bestPoints(observations, 5);
        List<Assignment> out = new ArrayList<>();
        GaussianProcess current = gp;
        for (int i = 0; i < n; i++) {
            if (!fantasyX.isEmpty()) {
                double[][] fx = fantasyX.toArray(new double[0][]);
                double[] fy = new double[fx.length];
                for (int k = 0; k < fx.length; k++) {
                    fy[k] = switch (options.batchMode()) {
                        case KRIGING_BELIEVER -> gp.mean(fx[k]);
                        case CONSTANT_LIAR_MIN -> best;
                        case CONSTANT_LIAR_MEAN -> avg;
                        case CONSTANT_LIAR_MAX -> worst;
                    };
                }
                current = gp.withExtraData(fx, fy);
            }
            // the incumbent includes the fantasies: a believed value below the best makes its
            // neighbourhood no better than the fantasy itself
            double incumbent = best;
            for (int k = 0; k < fantasyX.size(); k++) {
                incumbent = Math.min(incumbent, current.standardizedY()[ys.length + k]);
            }
            double[] x = maximizeAcquisition(current, incumbent - options.xi(), bestObs, random, seen);
            Assignment a;
            if (x == null) {
                a = RandomSearch.draw(space, seed, issued + i, seen);
            } else {
                a = space.fromFeatures(x);
                seen.add(space.key(a));
            }
            out.add(a);
            fantasyX.add(space.toFeatures(a));
        }
        return out;
    }

    /** The GP fitted to the observations' features and values (failed trials imputed with the worst value); null if none is finite. */
    public GaussianProcess fit(List<Observation> observations, SplittableRandom random) {
        double worst = Double.NEGATIVE_INFINITY;
        for (Observation o : observations) {
            if (!o.isFailed()) {
                worst = Math.max(worst, o.value());
            }
        }
        if (worst == Double.NEGATIVE_INFINITY) {
            return null;
        }
        List<double[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (Observation o : observations) {
            xs.add(space.toFeatures(o.assignment()));
            ys.add(o.isFailed() ? worst : o.value());
        }
        double[] y = ys.stream().mapToDouble(Double::doubleValue).toArray();
        if (options.outputTransform() == OutputTransform.RANK_GAUSS) {
            y = rankGauss(y);
        }
        return GaussianProcess.fit(xs.toArray(new double[0][]), y, options.fit(), random);
    }

    /** Phi^-1((rank - 0.5) / n) with average ranks for ties. */
    static double[] rankGauss(double[] y) {
        int n = y.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> y[i]));
        double[] out = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && y[order[j + 1]] == y[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            double z = Normal.quantile((rank - 0.5) / n);
            for (int k = i; k <= j; k++) {
                out[order[k]] = z;
            }
            i = j + 1;
        }
        return out;
    }

    // ---- initial design -----------------------------------------------------------------------

    private List<Assignment> initialDesign(int n, int issued, Set<String> seen) {
        double[][] design = latinHypercube(initialPoints, space.size(), Seeds.stream(seed, 0x4c4853L));
        List<Assignment> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = issued + i;
            Assignment a = k < design.length ? space.fromUnit(design[k]) : null;
            if (a == null || !seen.add(space.key(a))) {
                a = RandomSearch.draw(space, seed, k, seen);
            }
            out.add(a);
        }
        return out;
    }

    /** The best (maximin distance) of 32 random Latin hypercube designs of m points in [0,1]^d. */
    static double[][] latinHypercube(int m, int d, SplittableRandom random) {
        double[][] best = null;
        double bestScore = -1;
        for (int t = 0; t < 32; t++) {
            double[][] pts = new double[m][d];
            for (int j = 0; j < d; j++) {
                int[] perm = new int[m];
                for (int i = 0; i < m; i++) {
                    perm[i] = i;
                }
                for (int i = m - 1; i > 0; i--) {
                    int r = random.nextInt(i + 1);
                    int tmp = perm[i];
                    perm[i] = perm[r];
                    perm[r] = tmp;
                }
                for (int i = 0; i < m; i++) {
                    pts[i][j] = (perm[i] + random.nextDouble()) / m;
                }
            }
            double minDist = Double.POSITIVE_INFINITY;
            for (int a = 0; a < m; a++) {
                for (int b = 0; b < a; b++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) {
                        double diff = pts[a][j] - pts[b][j];
                        s += diff * diff;
                    }
                    minDist = Math.min(minDist, s);
                }
            }
            if (minDist > bestScore) {
                bestScore = minDist;
                best = pts;
            }
        }
        return best;
    }

    // ---- acquisition ----------------------------------------------------------------------------

    private List<double[]> bestPoints(List<Observation> observations, int k) {
        return observations.stream()
                .filter(o -> !o.isFailed())
                .sorted(Comparator.comparingDouble(Observation::value))
                .limit(k)
                .map(o -> space.toUnit(o.assignment()))
                .toList();
    }

    /** Log expected improvement over fBest at x (standardised units); work must have gp.workSize() entries. */
    static double logEi(GaussianProcess gp, double fBest, double[] x, double[] pred, double[] work) {
        gp.predict(x, pred, work);
        double sigma = Math.sqrt(pred[1]);
        double z = (fBest - pred[0]) / sigma;
        return Math.log(sigma) + Normal.logH(z);
    }

    /** Expected improvement over fBest at x (standardised units, minimisation). */
    public static double expectedImprovement(GaussianProcess gp, double fBest, double[] x) {
        double[] pred = new double[2];
        return Math.exp(logEi(gp, fBest, x, pred, new double[gp.workSize()]));
    }

    private final class Acquisition implements BoxLbfgs.Objective {
        final GaussianProcess gp;
        final double fBest;
        final double[] base;
        final double[] x;
        final double[] pred = new double[2];
        final double[] dMean;
        final double[] dVar;
        final double[] work;

        Acquisition(GaussianProcess gp, double fBest, double[] base) {
            this.gp = gp;
            this.fBest = fBest;
            this.base = base;
            this.x = base.clone();
            int d = base.length;
            this.dMean = new double[d];
            this.dVar = new double[d];
            this.work = new double[gp.workSize()];
        }

        /** -log EI over the continuous features z (the other features fixed at base). */
        @Override
        public double evaluate(double[] z, double[] g) {
            for (int i = 0; i < continuousFeatures.length; i++) {
                x[continuousFeatures[i]] = z[i];
            }
            gp.predictWithGradient(x, pred, dMean, dVar, work);
            double var = pred[1];
            double sigma = Math.sqrt(var);
            double u = (fBest - pred[0]) / sigma;
            double value = Math.log(sigma) + Normal.logH(u);
            double dl = Normal.dLogH(u);
            for (int i = 0; i < continuousFeatures.length; i++) {
                int f = continuousFeatures[i];
                double dLogSigma = dVar[f] / (2 * var);
                double du = -dMean[f] / sigma - u * dLogSigma;
                g[i] = -(dLogSigma + dl * du);
            }
            if (!Double.isFinite(value)) {
                java.util.Arrays.fill(g, 0);
                return Double.POSITIVE_INFINITY;
            }
            return -value;
        }
    }

    private record Scored(double[] x, double score) {
    }

    /** The features of the (snapped, unseen) point that maximises log-EI, or null when none is found. */
    private double[] maximizeAcquisition(GaussianProcess gp, double fBest, List<double[]> bestUnits, SplittableRandom random, Set<String> seen) {
        int d = space.featureDimension();
        int p = space.size();
        int numRandom = options.randomCandidates() > 0 ? options.randomCandidates() : Math.min(20000, 2000 + 500 * d);
        double[] pred = new double[2];
        double[] work = new double[gp.workSize()];
        List<Scored> candidates = new ArrayList<>(numRandom + 400);
        double[] u = new double[p];
        for (int c = 0; c < numRandom; c++) {
            for (int j = 0; j < p; j++) {
                u[j] = random.nextDouble();
            }
            double[] x = new double[d];
            space.unitToFeatures(u, x);
            candidates.add(new Scored(x, logEi(gp, fBest, x, pred, work)));
        }
        double[] scales = {0.2, 0.05, 0.01, 0.002};
        for (double[] center : bestUnits) {
            for (int c = 0; c < 80; c++) {
                double s = scales[c % scales.length];
                for (int j = 0; j < p; j++) {
                    u[j] = SearchSpace.clamp01(center[j] + s * random.nextGaussian());
                }
                double[] x = new double[d];
                space.unitToFeatures(u, x);
                candidates.add(new Scored(x, logEi(gp, fBest, x, pred, work)));
            }
        }
        candidates.sort(Comparator.comparingDouble((Scored s) -> -s.score()));
        List<Scored> refined = new ArrayList<>();
        Set<String> started = new HashSet<>();
        for (Scored c : candidates) {
            if (refined.size() >= options.localStarts()) {
                break;
            }
            if (!Double.isFinite(c.score()) || !started.add(Arrays.toString(c.x()))) {
                continue;
            }
            refined.add(refine(gp, fBest, c));
        }
        refined.sort(Comparator.comparingDouble((Scored s) -> -s.score()));
        for (Scored s : refined) {
            if (!seen.contains(space.key(space.fromFeatures(s.x())))) {
                return s.x();
            }
        }
        for (Scored s : candidates) {
            if (Double.isFinite(s.score()) && !seen.contains(space.key(space.fromFeatures(s.x())))) {
                return s.x();
            }
        }
        return null;
    }

    /** Local search from a candidate: L-BFGS on the continuous features, then a discrete neighbourhood pass. */
    private Scored refine(GaussianProcess gp, double fBest, Scored start) {
        double[] x = start.x().clone();
        double score = start.score();
        double[] pred = new double[2];
        double[] work = new double[gp.workSize()];
        for (int round = 0; round < 3; round++) {
            if (continuousFeatures.length > 0) {
                Acquisition acq = new Acquisition(gp, fBest, x);
                double[] z0 = new double[continuousFeatures.length];
                for (int i = 0; i < z0.length; i++) {
                    z0[i] = x[continuousFeatures[i]];
                }
                double[] lo = new double[z0.length];
                double[] hi = new double[z0.length];
                Arrays.fill(hi, 1.0);
                BoxLbfgs.Result r = BoxLbfgs.minimize(acq, z0, lo, hi, 100, 1e-7);
                if (Double.isFinite(r.value()) && -r.value() > score) {
                    for (int i = 0; i < z0.length; i++) {
                        x[continuousFeatures[i]] = r.x()[i];
                    }
                    score = logEi(gp, fBest, x, pred, work);
                }
            }
            boolean improved = false;
            for (int q = 0; q < space.size(); q++) {
                SearchSpace.Kind kind = space.kind(q);
                if (kind == SearchSpace.Kind.CONTINUOUS) {
                    continue;
                }
                int o = space.featureOffset(q);
                double[] bestX = null;
                double bestScore = score;
                if (kind == SearchSpace.Kind.INTEGER) {
                    long v = space.roundInt(q, space.unscale(q, x[o]));
                    for (long nv : new long[] {v - 1, v + 1}) {
                        if (space.roundInt(q, nv) != nv) {
                            continue;
                        }
                        double[] y = x.clone();
                        y[o] = SearchSpace.clamp01(space.scale(q, nv));
                        double s = logEi(gp, fBest, y, pred, work);
                        if (s > bestScore) {
                            bestScore = s;
                            bestX = y;
                        }
                    }
                } else {
                    int k = space.featureWidth(q);
                    for (int c = 0; c < k; c++) {
                        if (x[o + c] == 1.0) {
                            continue;
                        }
                        double[] y = x.clone();
                        Arrays.fill(y, o, o + k, 0.0);
                        y[o + c] = 1.0;
                        double s = logEi(gp, fBest, y, pred, work);
                        if (s > bestScore) {
                            bestScore = s;
                            bestX = y;
                        }
                    }
                }
                if (bestX != null) {
                    x = bestX;
                    score = bestScore;
                    improved = true;
                }
            }
            if (!improved) {
                break;
            }
        }
        return new Scored(x, score);
    }
}
