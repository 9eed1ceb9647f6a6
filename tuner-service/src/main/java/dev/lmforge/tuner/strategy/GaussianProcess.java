package dev.lmforge.tuner.strategy;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.TriangularSolver_DDRM;
import org.ejml.dense.row.decomposition.chol.CholeskyDecompositionInner_DDRM;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Gaussian-process regression with a Matérn 5/2 ARD kernel, a signal variance and a Gaussian noise
 * term, on inputs in [0,1]^D and standardised outputs (zero prior mean). Hyperparameters are fitted
 * by maximising the log marginal likelihood (analytic gradients, box-constrained L-BFGS on
 * log-parameters, several restarts). Predictions are in standardised units; use
 * {@link #toStandard}/{@link #fromStandard} to convert.
 *
 * <p>k(a, b) = s2 (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r), r^2 = sum_d (a_d - b_d)^2 / l_d^2.
 */
public final class GaussianProcess {

    private static final double SQRT5 = Math.sqrt(5.0);
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    /** Kernel hyperparameters: ARD length scales (input units), signal and noise variance (standardised output units). */
    public record Hyperparameters(double[] lengthScales, double signalVariance, double noiseVariance) {
        public Hyperparameters {
            lengthScales = lengthScales.clone();
        }

        @Override
        public double[] lengthScales() {
            return lengthScales.clone();
        }

        @Override
        public String toString() {
            return "Hyperparameters[l=" + Arrays.toString(lengthScales) + ", s2=" + signalVariance + ", noise=" + noiseVariance + "]";
        }
    }

    /**
     * How hyperparameters are fitted: bounds on the length scales (input units), the signal variance
     * and the noise variance (both in standardised output units), the number of random restarts
     * besides the default start, and the iteration cap of each L-BFGS run. Optionally a log-normal
     * prior on each length scale (median {@code priorLengthScale}, log-space standard deviation
     * {@code priorLogSd}; off when priorLengthScale &lt;= 0), making the fit a MAP estimate.
     */
    public record FitOptions(double minLengthScale, double maxLengthScale, double minSignalVariance, double maxSignalVariance,
                             double minNoiseVariance, double maxNoiseVariance, int restarts, int maxIterations,
                             double priorLengthScale, double priorLogSd, double ardCoupling) {
        public static FitOptions defaults() {
            return new FitOptions(0.01, 20.0, 0.05, 20.0, 1e-6, 1.0, 4, 200, 0, 0, 0);
        }

        public FitOptions withArdCoupling(double sd) {
            return new FitOptions(minLengthScale, maxLengthScale, minSignalVariance, maxSignalVariance, minNoiseVariance, maxNoiseVariance, restarts, maxIterations, priorLengthScale, priorLogSd, sd);
        }

        public FitOptions withLengthScaleBounds(double min, double max) {
            return new FitOptions(min, max, minSignalVariance, maxSignalVariance, minNoiseVariance, maxNoiseVariance, restarts, maxIterations, priorLengthScale, priorLogSd, ardCoupling);
        }

        public FitOptions withNoiseBounds(double min, double max) {
            return new FitOptions(minLengthScale, maxLengthScale, minSignalVariance, maxSignalVariance, min, max, restarts, maxIterations, priorLengthScale, priorLogSd, ardCoupling);
        }

        public FitOptions withRestarts(int restarts) {
            return new FitOptions(minLengthScale, maxLengthScale, minSignalVariance, maxSignalVariance, minNoiseVariance, maxNoiseVariance, restarts, maxIterations, priorLengthScale, priorLogSd, ardCoupling);
        }

        public FitOptions withLengthScalePrior(double median, double logSd) {
            return new FitOptions(minLengthScale, maxLengthScale, minSignalVariance, maxSignalVariance, minNoiseVariance, maxNoiseVariance, restarts, maxIterations, median, logSd, ardCoupling);
        }
    }

    private final double[][] x;
    private final double[] y;
    private final double yMean;
    private final double yStd;
    private final Hyperparameters hyper;
    private final double[] invL2;
    private final double s2;
    private final int n;
    private final int dim;
    private final double[] chol;
    private final double[] alpha;
    private final double logMarginalLikelihood;

    private GaussianProcess(double[][] x, double[] y, double yMean, double yStd, Hyperparameters hyper) {
        this.x = x;
        this.y = y;
        this.yMean = yMean;
        this.yStd = yStd;
        this.hyper = hyper;
        this.n = x.length;
        this.dim = n == 0 ? hyper.lengthScales.length : x[0].length;
        this.s2 = hyper.signalVariance;
        this.invL2 = new double[dim];
        for (int d = 0; d < dim; d++) {
            invL2[d] = 1.0 / (hyper.lengthScales[d] * hyper.lengthScales[d]);
        }
        double jitter = 1e-10 * s2;
        double[] l = null;
        for (int attempt = 0; attempt < 8 && l == null; attempt++) {
            l = cholesky(covariance(x, invL2, s2, hyper.noiseVariance + jitter), n);
            jitter *= 100;
        }
        if (l == null) {
            throw new IllegalStateException("covariance matrix is not positive definite even with jitter");
        }
        this.chol = l;
        this.alpha = y.clone();
        TriangularSolver_DDRM.solveL(chol, alpha, n);
        double quad = 0;
        for (double a : alpha) {
            quad += a * a;
        }
        TriangularSolver_DDRM.solveTranL(chol, alpha, n);
        double logDet = 0;
        for (int i = 0; i < n; i++) {
            logDet += Math.log(chol[i * n + i]);
        }
        this.logMarginalLikelihood = -0.5 * quad - logDet - 0.5 * n * LOG_2PI;
    }

    /** Fits hyperparameters to (x, y) (y in its own units, standardised here) and conditions on the data. */
    public static GaussianProcess fit(double[][] x, double[] y, FitOptions options, SplittableRandom random) {
        int n = x.length;
        if (n == 0) {
            throw new IllegalArgumentException("no data to fit");
        }
        double mean = 0;
        for (double v : y) {
            mean += v;
        }
        mean /= n;
        double var = 0;
        for (double v : y) {
            var += (v - mean) * (v - mean);
        }
        double std = n > 1 ? Math.sqrt(var / n) : 0;
        if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) {
            std = 1;
        }
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            ys[i] = (y[i] - mean) / std;
        }
        double[][] xs = copy(x);
        Hyperparameters h = fitHyperparameters(xs, ys, options, random);
        return new GaussianProcess(xs, ys, mean, std, h);
    }

    /** A GP with given hyperparameters on data already in standardised units of (yMean, yStd). */
    static GaussianProcess of(double[][] x, double[] yStandard, double yMean, double yStd, Hyperparameters h) {
        return new GaussianProcess(copy(x), yStandard.clone(), yMean, yStd, h);
    }

    /** This GP's hyperparameters and standardisation, conditioned on extra points (standardised values). */
    GaussianProcess withExtraData(double[][] extraX, double[] extraY) {
        double[][] xs = new double[n + extraX.length][];
        double[] ys = new double[n + extraX.length];
        for (int i = 0; i < n; i++) {
            xs[i] = x[i];
            ys[i] = y[i];
        }
        for (int i = 0; i < extraX.length; i++) {
            xs[n + i] = extraX[i].clone();
            ys[n + i] = extraY[i];
        }
        return new GaussianProcess(xs, ys, yMean, yStd, hyper);
    }

    public Hyperparameters hyperparameters() {
        return hyper;
    }

    public double logMarginalLikelihood() {
        return logMarginalLikelihood;
    }

    public int size() {
        return n;
    }

    public int dimension() {
        return dim;
    }

    public double toStandard(double v) {
        return (v - yMean) / yStd;
    }

    public double fromStandard(double v) {
        return v * yStd + yMean;
    }

    /** The training outputs in standardised units. */
    double[] standardizedY() {
        return y.clone();
    }

    // ---- prediction ---------------------------------------------------------------------------

    /** Posterior mean at q, standardised units. */
    public double mean(double[] q) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            m += kernel(q, x[i]) * alpha[i];
        }
        return m;
    }

    /** Posterior mean and variance of the latent function at q (standardised units), into out[0], out[1]. */
    public void predict(double[] q, double[] out, double[] work) {
        double m = 0;
        for (int i = 0; i < n; i++) {
            double k = kernel(q, x[i]);
            work[i] = k;
            m += k * alpha[i];
        }
        TriangularSolver_DDRM.solveL(chol, work, n);
        double vv = 0;
        for (int i = 0; i < n; i++) {
            vv += work[i] * work[i];
        }
        out[0] = m;
        out[1] = Math.max(s2 - vv, 1e-12 * s2);
    }

    /** Work array length that {@link #predict} and {@link #predictWithGradient} need. */
    int workSize() {
        return 2 * n + n * dim;
    }

    /**
     * Posterior mean and variance at q plus their gradients with respect to q.
     * out = {mean, var}; dMean and dVar receive the gradients; work has {@link #workSize()} entries.
     */
    void predictWithGradient(double[] q, double[] out, double[] dMean, double[] dVar, double[] work) {
        // work: [0, n) k then v then w; [n, 2n) spare; [2n, 2n + n*dim) dk/dq
        int dkOff = 2 * n;
        double m = 0;
        Arrays.fill(dMean, 0);
        for (int i = 0; i < n; i++) {
            double[] xi = x[i];
            double r2 = 0;
            for (int d = 0; d < dim; d++) {
                double diff = q[d] - xi[d];
                r2 += diff * diff * invL2[d];
            }
            double r = Math.sqrt(r2);
            double e = Math.exp(-SQRT5 * r);
            double k = s2 * (1 + SQRT5 * r + 5.0 / 3.0 * r2) * e;
            double c = -s2 * 5.0 / 3.0 * (1 + SQRT5 * r) * e;
            work[i] = k;
            m += k * alpha[i];
            int row = dkOff + i * dim;
            for (int d = 0; d < dim; d++) {
                double dk = c * (q[d] - xi[d]) * invL2[d];
                work[row + d] = dk;
                dMean[d] += dk * alpha[i];
            }
        }
        TriangularSolver_DDRM.solveL(chol, work, n);
        double vv = 0;
        for (int i = 0; i < n; i++) {
            vv += work[i] * work[i];
        }
        TriangularSolver_DDRM.solveTranL(chol, work, n);
        Arrays.fill(dVar, 0);
        for (int i = 0; i < n; i++) {
            double wi = work[i];
            int row = dkOff + i * dim;
            for (int d = 0; d < dim; d++) {
                dVar[d] -= 2 * work[row + d] * wi;
            }
        }
        out[0] = m;
        double var = s2 - vv;
        if (var < 1e-12 * s2) {
            var = 1e-12 * s2;
            Arrays.fill(dVar, 0);
        }
        out[1] = var;
    }

    double kernel(double[] a, double[] b) {
        double r2 = 0;
        for (int d = 0; d < dim; d++) {
            double diff = a[d] - b[d];
            r2 += diff * diff * invL2[d];
        }
        double r = Math.sqrt(r2);
        return s2 * (1 + SQRT5 * r + 5.0 / 3.0 * r2) * Math.exp(-SQRT5 * r);
    }

    // ---- fitting ------------------------------------------------------------------------------

    private static double[][] copy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            c[i] = x[i].clone();
        }
        return c;
    }

    private static double[] covariance(double[][] x, double[] invL2, double s2, double noise) {
        int n = x.length;
        int dim = invL2.length;
        double[] k = new double[n * n];
        for (int i = 0; i < n; i++) {
            k[i * n + i] = s2 + noise;
            for (int j = 0; j < i; j++) {
                double r2 = 0;
                for (int d = 0; d < dim; d++) {
                    double diff = x[i][d] - x[j][d];
                    r2 += diff * diff * invL2[d];
                }
                double r = Math.sqrt(r2);
                double v = s2 * (1 + SQRT5 * r + 5.0 / 3.0 * r2) * Math.exp(-SQRT5 * r);
                k[i * n + j] = v;
                k[j * n + i] = v;
            }
        }
        return k;
    }

    /** Lower Cholesky factor (row-major, only the lower triangle meaningful) or null when not positive definite. */
    private static double[] cholesky(double[] k, int n) {
        DMatrixRMaj m = DMatrixRMaj.wrap(n, n, k);
        CholeskyDecompositionInner_DDRM chol = new CholeskyDecompositionInner_DDRM(true);
        if (!chol.decompose(m)) {
            return null;
        }
        double[] l = m.data;
        for (int i = 0; i < n; i++) {
            double v = l[i * n + i];
            if (!(v > 0) || !Double.isFinite(v)) {
                return null;
            }
        }
        return l;
    }

    /**
     * Negative log marginal likelihood at log-parameters theta = (ln l_1..ln l_D, ln s2, ln noise)
     * and its gradient (into grad); +Infinity where the covariance is not positive definite.
     */
    static double negativeLogLikelihood(double[][] x, double[] y, double[] theta, double[] grad) {
        int n = x.length;
        int dim = theta.length - 2;
        double[] invL2 = new double[dim];
        for (int d = 0; d < dim; d++) {
            invL2[d] = Math.exp(-2 * theta[d]);
        }
        double s2 = Math.exp(theta[dim]);
        double noise = Math.exp(theta[dim + 1]);
        double[] k = covariance(x, invL2, s2, noise + 1e-10 * s2);
        double[] l = cholesky(k, n);
        if (l == null) {
            Arrays.fill(grad, 0);
            return Double.POSITIVE_INFINITY;
        }
        double[] a = y.clone();
        TriangularSolver_DDRM.solveL(l, a, n);
        double quad = 0;
        for (double v : a) {
            quad += v * v;
        }
        TriangularSolver_DDRM.solveTranL(l, a, n);
        double logDet = 0;
        for (int i = 0; i < n; i++) {
            logDet += Math.log(l[i * n + i]);
        }
        double nll = 0.5 * quad + logDet + 0.5 * n * LOG_2PI;
        // K^-1 from the inverse of L
        double[] li = new double[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(l, i * n, li, i * n, i + 1);
        }
        TriangularSolver_DDRM.invertLower(li, n);
        // U = (L^-1)^T is upper triangular; K^-1 = U U^T, rows of U contiguous
        double[] u = new double[n * n];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i <= r; i++) {
                u[i * n + r] = li[r * n + i];
            }
        }
        double[] kinv = new double[n * n];
        for (int i = 0; i < n; i++) {
            int oi = i * n;
            for (int j = 0; j <= i; j++) {
                int oj = j * n;
                double s = 0;
                for (int r = i; r < n; r++) {
                    s += u[oi + r] * u[oj + r];
                }
                kinv[oi + j] = s;
                kinv[oj + i] = s;
            }
        }
        // gradient: 0.5 tr(W dK), W = K^-1 - a a^T
        Arrays.fill(grad, 0);
        double gS2 = 0;
        double trW = 0;
        for (int i = 0; i < n; i++) {
            double wii = kinv[i * n + i] - a[i] * a[i];
            trW += wii;
            gS2 += 0.5 * wii * s2;
            double[] xi = x[i];
            for (int j = 0; j < i; j++) {
                double w = kinv[i * n + j] - a[i] * a[j];
                double[] xj = x[j];
                double r2 = 0;
                for (int d = 0; d < dim; d++) {
                    double diff = xi[d] - xj[d];
                    r2 += diff * diff * invL2[d];
                }
                double r = Math.sqrt(r2);
                double e = Math.exp(-SQRT5 * r);
                double kij = s2 * (1 + SQRT5 * r + 5.0 / 3.0 * r2) * e;
                gS2 += w * kij; // 0.5 * 2 (symmetric pair)
                double c = w * s2 * 5.0 / 3.0 * (1 + SQRT5 * r) * e;
                for (int d = 0; d < dim; d++) {
                    double diff = xi[d] - xj[d];
                    grad[d] += c * diff * diff * invL2[d];
                }
            }
        }
        grad[dim] = gS2;
        grad[dim + 1] = 0.5 * noise * trW;
        return nll;
    }

    private static Hyperparameters fitHyperparameters(double[][] x, double[] y, FitOptions o, SplittableRandom random) {
        int dim = x[0].length;
        int p = dim + 2;
        double[] lower = new double[p];
        double[] upper = new double[p];
        for (int d = 0; d < dim; d++) {
            lower[d] = Math.log(o.minLengthScale());
            upper[d] = Math.log(o.maxLengthScale());
        }
        lower[dim] = Math.log(o.minSignalVariance());
        upper[dim] = Math.log(o.maxSignalVariance());
        lower[dim + 1] = Math.log(o.minNoiseVariance());
        upper[dim + 1] = Math.log(o.maxNoiseVariance());
        boolean prior = o.priorLengthScale() > 0 && o.priorLogSd() > 0;
        double mu = prior ? Math.log(o.priorLengthScale()) : 0;
        double invVar = prior ? 1.0 / (o.priorLogSd() * o.priorLogSd()) : 0;
        boolean coupling = o.ardCoupling() > 0 && dim > 1;
        double couplingInvVar = coupling ? 1.0 / (o.ardCoupling() * o.ardCoupling()) : 0;
        BoxLbfgs.Objective objective = (theta, g) -> {
            double v = negativeLogLikelihood(x, y, theta, g);
            if (prior && Double.isFinite(v)) {
                for (int d = 0; d < dim; d++) {
                    double diff = theta[d] - mu;
                    v += 0.5 * diff * diff * invVar;
                    g[d] += diff * invVar;
                }
            }
            if (coupling && Double.isFinite(v)) {
                double m = 0;
                for (int d = 0; d < dim; d++) {
                    m += theta[d];
                }
                m /= dim;
                for (int d = 0; d < dim; d++) {
                    double diff = theta[d] - m;
                    v += 0.5 * diff * diff * couplingInvVar;
                    g[d] += diff * couplingInvVar;
                }
            }
            return v;
        };

        double[] best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        for (int start = 0; start <= o.restarts(); start++) {
            double[] theta0 = new double[p];
            if (start == 0) {
                Arrays.fill(theta0, 0, dim, Math.log(0.5));
                theta0[dim] = 0;
                theta0[dim + 1] = Math.log(Math.max(o.minNoiseVariance(), 1e-4));
            } else {
                for (int d = 0; d < dim; d++) {
                    theta0[d] = Math.log(0.05) + random.nextDouble() * (Math.log(2.0) - Math.log(0.05));
                }
                theta0[dim] = Math.log(0.3) + random.nextDouble() * (Math.log(3.0) - Math.log(0.3));
                theta0[dim + 1] = Math.log(o.minNoiseVariance()) + random.nextDouble() * (Math.log(1e-2) - Math.log(o.minNoiseVariance()));
            }
            for (int i = 0; i < p; i++) {
                theta0[i] = Math.min(upper[i], Math.max(lower[i], theta0[i]));
            }
            BoxLbfgs.Result r = BoxLbfgs.minimize(objective, theta0, lower, upper, o.maxIterations(), 1e-5);
            if (r.value() < bestValue) {
                bestValue = r.value();
                best = r.x();
            }
        }
        if (best == null) {
            best = new double[p];
            Arrays.fill(best, 0, dim, Math.log(0.5));
            best[dim + 1] = Math.log(1e-2);
        }
        double[] ls = new double[dim];
        for (int d = 0; d < dim; d++) {
            ls[d] = Math.exp(best[d]);
        }
        return new Hyperparameters(ls, Math.exp(best[dim]), Math.exp(best[dim + 1]));
    }
}
