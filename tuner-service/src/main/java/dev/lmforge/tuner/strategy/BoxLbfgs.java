package dev.lmforge.tuner.strategy;

/**
 * Minimises a smooth function within box bounds: limited-memory BFGS on the free variables
 * (those not held at a bound by their gradient) with a projected backtracking line search — the
 * essentials of L-BFGS-B without its generalised Cauchy point.
 */
final class BoxLbfgs {

    /** A function and its gradient: returns f(x) and writes the gradient into g. */
    interface Objective {
        double evaluate(double[] x, double[] g);
    }

    record Result(double[] x, double value, int iterations, int evaluations) {
    }

    private BoxLbfgs() {
    }

    static Result minimize(Objective fn, double[] x0, double[] lower, double[] upper, int maxIterations, double gradTolerance) {
        int n = x0.length;
        int m = 8;
        double[] x = x0.clone();
        project(x, lower, upper);
        double[] g = new double[n];
        double f = fn.evaluate(x, g);
        int evals = 1;
        if (!Double.isFinite(f)) {
            return new Result(x, f, 0, evals);
        }
        double[][] sHist = new double[m][];
        double[][] yHist = new double[m][];
        double[] rho = new double[m];
        int histCount = 0;
        int histStart = 0;
        double[] d = new double[n];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        double[] alpha = new double[m];
        boolean[] free = new boolean[n];
        int iter = 0;
        for (; iter < maxIterations; iter++) {
            double pgNorm = 0;
            for (int i = 0; i < n; i++) {
                double pg = Math.min(upper[i], Math.max(lower[i], x[i] - g[i])) - x[i];
                pgNorm = Math.max(pgNorm, Math.abs(pg));
                free[i] = !((x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0));
            }
            if (pgNorm < gradTolerance) {
                break;
            }
            // two-loop recursion on the free variables
            for (int i = 0; i < n; i++) {
                d[i] = free[i] ? -g[i] : 0;
            }
            for (int k = histCount - 1; k >= 0; k--) {
                int j = (histStart + k) % m;
                double a = rho[j] * dotFree(sHist[j], d, free);
                alpha[j] = a;
                for (int i = 0; i < n; i++) {
                    if (free[i]) {
                        d[i] -= a * yHist[j][i];
                    }
                }
            }
            if (histCount > 0) {
                int j = (histStart + histCount - 1) % m;
                double gamma = dotFree(sHist[j], yHist[j], free) / Math.max(1e-300, dotFree(yHist[j], yHist[j], free));
                if (gamma > 0 && Double.isFinite(gamma)) {
                    for (int i = 0; i < n; i++) {
                        d[i] *= gamma;
                    }
                }
            }
            for (int k = 0; k < histCount; k++) {
                int j = (histStart + k) % m;
                double b = rho[j] * dotFree(yHist[j], d, free);
                for (int i = 0; i < n; i++) {
                    if (free[i]) {
                        d[i] += sHist[j][i] * (alpha[j] - b);
                    }
                }
            }
            double slope = 0;
            for (int i = 0; i < n; i++) {
                slope += d[i] * g[i];
            }
            if (!(slope < 0)) {
                histCount = 0;
                slope = 0;
                for (int i = 0; i < n; i++) {
                    d[i] = free[i] ? -g[i] : 0;
                    slope += d[i] * g[i];
                }
                if (!(slope < 0)) {
                    break;
                }
            }
            double step = 1.0;
            if (histCount == 0) {
                double dn = 0;
                for (double v : d) {
                    dn = Math.max(dn, Math.abs(v));
                }
                step = Math.min(1.0, 0.1 / Math.max(dn, 1e-12));
            }
            double fNew = Double.NaN;
            boolean accepted = false;
            for (int ls = 0; ls < 40; ls++) {
                double decrease = 0;
                for (int i = 0; i < n; i++) {
                    xNew[i] = Math.min(upper[i], Math.max(lower[i], x[i] + step * d[i]));
                    decrease += g[i] * (xNew[i] - x[i]);
                }
                fNew = fn.evaluate(xNew, gNew);
                evals++;
                if (Double.isFinite(fNew) && fNew <= f + 1e-4 * decrease) {
                    accepted = true;
                    break;
                }
                step *= 0.5;
            }
            if (!accepted) {
                break;
            }
            double[] s = new double[n];
            double[] y = new double[n];
            double sy = 0;
            double sNorm = 0;
            for (int i = 0; i < n; i++) {
                s[i] = xNew[i] - x[i];
                y[i] = gNew[i] - g[i];
                sy += s[i] * y[i];
                sNorm = Math.max(sNorm, Math.abs(s[i]));
            }
            double fOld = f;
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            f = fNew;
            if (sy > 1e-12 * Math.max(1e-300, dot(y, y))) {
                int j;
                if (histCount < m) {
                    j = (histStart + histCount) % m;
                    histCount++;
                } else {
                    j = histStart;
                    histStart = (histStart + 1) % m;
                }
                sHist[j] = s;
                yHist[j] = y;
                rho[j] = 1.0 / sy;
            }
            if (sNorm < 1e-12 || Math.abs(fOld - f) <= 1e-12 * Math.max(1.0, Math.abs(f))) {
                break;
            }
        }
        return new Result(x, f, iter, evals);
    }

    private static double dotFree(double[] a, double[] b, boolean[] free) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            if (free[i]) {
                s += a[i] * b[i];
            }
        }
        return s;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void project(double[] x, double[] lower, double[] upper) {
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.min(upper[i], Math.max(lower[i], x[i]));
        }
    }
}
