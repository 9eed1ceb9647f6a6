package dev.lmforge.tuner.strategy;

import java.util.Arrays;
import java.util.List;

/**
 * Early stopping "Auto", SageMaker's median rule: stop a trial after epoch k when its objective at
 * epoch k is worse than the median of the earlier trials' running averages up to epoch k (a trial's
 * running average at k = mean of its objective values at epochs 1..k). Objectives are minimised
 * (negate curves of a Maximize objective). A pure function: call it on every progress report.
 *
 * <p>Which trials are "earlier": the service passes the curves of the trials started before this
 * one (finished, stopped or still running); only those with at least k epochs reported take part.
 * The rule stays silent before epoch {@code minEpoch} and until {@code minTrials} such trials exist.
 * A non-finite objective (a diverged trial) is stopped at once; non-finite values in earlier curves
 * make their running average +infinity.
 *
 * @param minTrials earlier trials with k epochs needed before the rule may stop anything (default 3)
 * @param minEpoch  first epoch at which the rule may stop a trial (default 1)
 */
public record MedianStoppingRule(int minTrials, int minEpoch) {

    public MedianStoppingRule {
        if (minTrials < 1) {
            throw new IllegalArgumentException("minTrials must be >= 1, got " + minTrials);
        }
        if (minEpoch < 1) {
            throw new IllegalArgumentException("minEpoch must be >= 1, got " + minEpoch);
        }
    }

    public static MedianStoppingRule defaults() {
        return new MedianStoppingRule(3, 1);
    }

    /**
     * @param stop           whether to stop the trial now
     * @param epoch          k, the number of epochs the trial has reported
     * @param value          its objective at epoch k
     * @param median         the median running average of the compared trials at k (NaN if none)
     * @param comparedTrials how many earlier trials had reached epoch k
     * @param reason         a sentence for logs and the trial's status
     */
    public record Decision(boolean stop, int epoch, double value, double median, int comparedTrials, String reason) {
    }

    /**
     * @param current the trial's objective per epoch so far (index 0 = epoch 1)
     * @param earlier the objective curves of the earlier trials
     */
    public Decision evaluate(double[] current, List<double[]> earlier) {
        int k = current.length;
        if (k == 0) {
            return new Decision(false, 0, Double.NaN, Double.NaN, 0, "no epoch reported yet");
        }
        double value = current[k - 1];
        if (!Double.isFinite(value)) {
            return new Decision(true, k, value, Double.NaN, 0, "objective at epoch " + k + " is not finite (" + value + ")");
        }
        if (k < minEpoch) {
            return new Decision(false, k, value, Double.NaN, 0, "epoch " + k + " is before the first epoch the rule applies (" + minEpoch + ")");
        }
        double[] averages = earlier.stream().filter(c -> c.length >= k).mapToDouble(c -> runningAverage(c, k)).toArray();
        if (averages.length < minTrials) {
            return new Decision(false, k, value, averages.length == 0 ? Double.NaN : median(averages), averages.length,
                    "only " + averages.length + " earlier trial(s) reached epoch " + k + ", need " + minTrials);
        }
        double median = median(averages);
        boolean stop = value > median;
        return new Decision(stop, k, value, median, averages.length, String.format(java.util.Locale.ROOT,
                "objective %.6g at epoch %d is %s the median %.6g of %d earlier trials' running averages",
                value, k, stop ? "worse than" : "not worse than", median, averages.length));
    }

    /** Convenience for curves held as lists. */
    public Decision evaluate(List<Double> current, List<List<Double>> earlier) {
        return evaluate(toArray(current), earlier.stream().map(MedianStoppingRule::toArray).toList());
    }

    /** Mean of the first k values of a curve (+infinity if any of them is not finite). */
    public static double runningAverage(double[] curve, int k) {
        if (k < 1 || k > curve.length) {
            throw new IllegalArgumentException("running average up to epoch " + k + " of a curve with " + curve.length + " epochs");
        }
        double s = 0;
        for (int i = 0; i < k; i++) {
            if (!Double.isFinite(curve[i])) {
                return Double.POSITIVE_INFINITY;
            }
            s += curve[i];
        }
        return s / k;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
