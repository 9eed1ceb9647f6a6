package dev.lmforge.tuner.strategy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How much each hyperparameter matters, estimated from a Gaussian process fitted to the
 * observations (of any strategy), as name → importance, the importances summing to 1.
 * <ul>
 *   <li>{@link Method#FANOVA} (recommended): functional-ANOVA main effects of the GP posterior mean
 *       over the unit cube: the variance of the mean's one-parameter marginal (the others
 *       averaged out by Monte Carlo), normalised over parameters.</li>
 *   <li>{@link Method#LENGTH_SCALES}: 1 / length scale of the ARD kernel. A categorical's one-hot
 *       dimensions are aggregated as the inverse length of a switch between two categories,
 *       averaged over pairs: sqrt((2 / k) sum_c 1 / l_c^2).</li>
 * </ul>
 */
public final class ParameterImportance {

    public enum Method { FANOVA, LENGTH_SCALES }

    private static final int BASE_SAMPLES = 256;
    private static final int LEVELS = 16;

    private ParameterImportance() {
    }

    /** Importances, or an empty map with fewer than 3 finite observations. Deterministic for a seed. */
    public static Map<String, Double> compute(SearchSpace space, List<Observation> observations, Method method, long seed) {
        if (observations.stream().filter(o -> !o.isFailed()).count() < 3) {
            return Map.of();
        }
        GaussianProcess gp = new BayesianOptimization(space, seed).fit(observations, Seeds.stream(seed, 0x494dL, observations.size()));
        return method == Method.FANOVA ? fanova(space, gp, Seeds.stream(seed, 0x464eL)) : fromLengthScales(space, gp.hyperparameters());
    }

    static Map<String, Double> fromLengthScales(SearchSpace space, GaussianProcess.Hyperparameters h) {
        double[] ls = h.lengthScales();
        double[] raw = new double[space.size()];
        for (int p = 0; p < space.size(); p++) {
            int o = space.featureOffset(p);
            int k = space.featureWidth(p);
            if (space.kind(p) == SearchSpace.Kind.CATEGORICAL) {
                if (k < 2) {
                    raw[p] = 0;
                    continue;
                }
                double s = 0;
                for (int c = 0; c < k; c++) {
                    s += 1.0 / (ls[o + c] * ls[o + c]);
                }
                raw[p] = Math.sqrt(2.0 / k * s);
            } else {
                raw[p] = 1.0 / ls[o];
            }
        }
        return normalise(space, raw);
    }

    static Map<String, Double> fanova(SearchSpace space, GaussianProcess gp, SplittableRandom random) {
        int p = space.size();
        double[][] base = new double[BASE_SAMPLES][p];
        for (double[] b : base) {
            for (int j = 0; j < p; j++) {
                b[j] = random.nextDouble();
            }
        }
        double[] raw = new double[p];
        double[] u = new double[p];
        double[] x = new double[space.featureDimension()];
        for (int j = 0; j < p; j++) {
            double[] levels = levels(space, j);
            double[] marginal = new double[levels.length];
            for (int l = 0; l < levels.length; l++) {
                double s = 0;
                for (double[] b : base) {
                    System.arraycopy(b, 0, u, 0, p);
                    u[j] = levels[l];
                    space.unitToFeatures(u, x);
                    s += gp.mean(x);
                }
                marginal[l] = s / base.length;
            }
            double mean = 0;
            for (double m : marginal) {
                mean += m;
            }
            mean /= marginal.length;
            double var = 0;
            for (double m : marginal) {
                var += (m - mean) * (m - mean);
            }
            raw[j] = var / marginal.length;
        }
        return normalise(space, raw);
    }

    /** Unit coordinates at which a parameter's marginal is evaluated: each category, else LEVELS cell midpoints. */
    private static double[] levels(SearchSpace space, int j) {
        int k = space.kind(j) == SearchSpace.Kind.CATEGORICAL ? space.categories(j).size() : LEVELS;
        double[] levels = new double[k];
        for (int l = 0; l < k; l++) {
            levels[l] = (l + 0.5) / k;
        }
        return levels;
    }

    private static Map<String, Double> normalise(SearchSpace space, double[] raw) {
        double total = 0;
        for (double r : raw) {
            total += r;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int p = 0; p < raw.length; p++) {
            out.put(space.parameters().get(p).name(), total > 0 ? raw[p] / total : 1.0 / raw.length);
        }
        return out;
    }
}
