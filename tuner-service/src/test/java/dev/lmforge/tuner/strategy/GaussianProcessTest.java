package dev.lmforge.tuner.strategy;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GaussianProcessTest {

    private static double f(double x) {
        return Math.sin(6 * x) + 0.5 * x;
    }

    private static GaussianProcess fitted() {
        int n = 12;
        double[][] x = new double[n][1];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = (i + 0.5) / n * 0.8; // data on [0, 0.8], none on (0.8, 1]
            y[i] = f(x[i][0]);
        }
        return GaussianProcess.fit(x, y, GaussianProcess.FitOptions.defaults(), new SplittableRandom(1));
    }

    @Test
    void fitsASmoothOneDimensionalFunction() {
        GaussianProcess gp = fitted();
        double[] out = new double[2];
        double[] work = new double[gp.workSize()];
        for (double q = 0.05; q <= 0.75; q += 0.01) {
            gp.predict(new double[] {q}, out, work);
            assertEquals(f(q), gp.fromStandard(out[0]), 0.02, "prediction at " + q);
        }
        gp.predict(new double[] {0.3 + 0.5 / 12 * 0.8 - 0.3}, out, work);
        assertTrue(out[1] < 1e-4, "variance near a data point is small: " + out[1]);
        double[] far = new double[2];
        gp.predict(new double[] {1.0}, far, work);
        assertTrue(far[1] > 100 * out[1] && far[1] > 1e-3, "variance away from data is larger: " + far[1]);
        double ls = gp.hyperparameters().lengthScales()[0];
        assertTrue(ls > 0.05 && ls < 2, "length scale " + ls);
        assertTrue(gp.hyperparameters().noiseVariance() < 1e-3, "noise-free data: " + gp.hyperparameters().noiseVariance());
    }

    @Test
    void likelihoodGradientMatchesFiniteDifferences() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 15;
        double[][] x = new double[n][3];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < 3; d++) {
                x[i][d] = r.nextDouble();
            }
            y[i] = Math.sin(4 * x[i][0]) + x[i][1] * x[i][1] + 0.1 * r.nextGaussian();
        }
        double[] theta = {Math.log(0.3), Math.log(0.8), Math.log(2), Math.log(1.2), Math.log(0.01)};
        double[] g = new double[theta.length];
        GaussianProcess.negativeLogLikelihood(x, y, theta, g);
        for (int k = 0; k < theta.length; k++) {
            double[] a = theta.clone();
            double[] b = theta.clone();
            a[k] += 1e-6;
            b[k] -= 1e-6;
            double[] tmp = new double[theta.length];
            double fd = (GaussianProcess.negativeLogLikelihood(x, y, a, tmp) - GaussianProcess.negativeLogLikelihood(x, y, b, tmp)) / 2e-6;
            assertEquals(fd, g[k], 1e-4 * Math.max(1, Math.abs(fd)), "d nll / d theta_" + k);
        }
    }

    @Test
    void predictiveGradientsMatchFiniteDifferences() {
        GaussianProcess gp = fitted();
        double[] q = {0.83};
        double[] out = new double[2];
        double[] dm = new double[1];
        double[] dv = new double[1];
        double[] work = new double[gp.workSize()];
        gp.predictWithGradient(q, out, dm, dv, work);
        double[] a = new double[2];
        double[] b = new double[2];
        gp.predict(new double[] {q[0] + 1e-6}, a, work);
        gp.predict(new double[] {q[0] - 1e-6}, b, work);
        assertEquals((a[0] - b[0]) / 2e-6, dm[0], 1e-4);
        assertEquals((a[1] - b[1]) / 2e-6, dv[0], 1e-4);
    }

    @Test
    void expectedImprovementIsPositiveAwayFromDataAndTinyAtTheIncumbent() {
        GaussianProcess gp = fitted();
        double[] ys = gp.standardizedY();
        double best = Double.POSITIVE_INFINITY;
        int bestIndex = 0;
        for (int i = 0; i < ys.length; i++) {
            if (ys[i] < best) {
                best = ys[i];
                bestIndex = i;
            }
        }
        double away = BayesianOptimization.expectedImprovement(gp, best, new double[] {0.98});
        double atData = BayesianOptimization.expectedImprovement(gp, best, new double[] {(bestIndex + 0.5) / 12 * 0.8});
        assertTrue(away > 0, "EI away from data: " + away);
        assertTrue(away > 10 * atData, "EI at the incumbent " + atData + " vs away " + away);
    }

    @Test
    void logExpectedImprovementIsAccurateDeepInTheTail() {
        // h(z) = phi(z) + z Phi(z); for z = -40 plain evaluation underflows, log h stays finite
        assertEquals(Math.log(0.3989422804014327), Normal.logH(0), 1e-12);
        assertEquals(Math.log(Normal.pdf(-5) - 5 * 2.866515718791939e-7), Normal.logH(-5), 1e-6);
        double z = -40;
        double asymptotic = Normal.logPdf(z) - 2 * Math.log(-z) + Math.log(1 - 3 / (z * z) + 15 / (z * z * z * z));
        assertEquals(asymptotic, Normal.logH(z), 1e-6);
        assertTrue(Double.isFinite(Normal.logH(-1e5)));
        assertEquals(0.975002104851780, Normal.cdf(1.96), 1e-13);
        assertEquals(7.61985302416047e-24, Normal.cdf(-10), 1e-36);
    }
}
