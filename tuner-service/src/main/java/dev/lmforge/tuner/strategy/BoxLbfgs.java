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
        double[] x = x0.clone();
        project(x, lower, upper);
        double[] g = new double[n];
        double f = fn.evaluate(x, g);
        int evals = 1;
        if (!Double.isFinite(f)) {
            return new Result(x, f, 0, evals);
        }
        History history = new History(8);
        double[] d = new double[n];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        boolean[] free = new boolean[n];
        int iter = 0;
        for (; iter < maxIterations; iter++) {
            // 1. converged when the projected gradient is flat
            if (projectedGradientNorm(x, g, lower, upper, free) < gradTolerance) {
                break;
            }
            // 2. a descent direction on the free variables: the quasi-Newton one, else steepest descent
            history.direction(g, free, d);
            double slope = dot(d, g);
            if (!(slope < 0)) {
                history.clear();
                slope = 0;
                for (int i = 0; i < n; i++) {
                    d[i] = free[i] ? -g[i] : 0;
                    slope += d[i] * g[i];
                }
                if (!(slope < 0)) {
                    break;
                }
            }
            // 3. a projected backtracking line search (Armijo); without curvature yet, a cautious first step
            double step = history.isEmpty() ? Math.min(1.0, 0.1 / Math.max(maxAbs(d), 1e-12)) : 1.0;
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
            // 4. take the step, remember its curvature pair, stop when it no longer moves
            double[] s = new double[n];
            double[] y = new double[n];
            double sNorm = 0;
            for (int i = 0; i < n; i++) {
                s[i] = xNew[i] - x[i];
                y[i] = gNew[i] - g[i];
                sNorm = Math.max(sNorm, Math.abs(s[i]));
            }
            double fOld = f;
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            f = fNew;
            history.add(s, y);
            if (sNorm < 1e-12 || Math.abs(fOld - f) <= 1e-12 * Math.max(1.0, Math.abs(f))) {
                break;
            }
        }
        return new Result(x, f, iter, evals);
    }

    /** The largest step the projected gradient takes; marks the variables not held at a bound by their gradient as free. */
    private static double projectedGradientNorm(double[] x, double[] g, double[] lower, double[] upper, boolean[] free) {
        double norm = 0;
        for (int i = 0; i < x.length; i++) {
            double pg = Math.min(upper[i], Math.max(lower[i], x[i] - g[i])) - x[i];
            norm = Math.max(norm, Math.abs(pg));
            free[i] = !((x[i] <= lower[i] && g[i] > 0) || (x[i] >= upper[i] && g[i] < 0));
        }
        return norm;
    }

    private static double maxAbs(double[] v) {
        double max = 0;
        for (double e : v) {
            max = Math.max(max, Math.abs(e));
        }
        return max;
    }

    /** The last curvature pairs (s, y), oldest first, in a ring of fixed size: the limited memory of L-BFGS. */
    private static final class History {
        private final int size;
        private final double[][] s;
        private final double[][] y;
        private final double[] rho;
        private final double[] alpha;
        private int count;
        private int start;

        History(int size) {
            this.size = size;
            this.s = new double[size][];
            this.y = new double[size][];
            this.rho = new double[size];
            this.alpha = new double[size];
        }

        boolean isEmpty() {
            return count == 0;
        }

        void clear() {
            count = 0;
        }

        /** Keeps a pair only where it carries positive curvature (sy > 0, relative to |y|²): the update stays positive definite. */
        void add(double[] sNew, double[] yNew) {
            double sy = dot(sNew, yNew);
            if (!(sy > 1e-12 * Math.max(1e-300, dot(yNew, yNew)))) {
                return;
            }
            int j;
            if (count < size) {
                j = (start + count) % size;
                count++;
            } else {
                j = start;
                start = (start + 1) % size;
            }
            s[j] = sNew;
            y[j] = yNew;
            rho[j] = 1.0 / sy;
        }

        /** d = -H g on the free variables (zero elsewhere), by the two-loop recursion with the usual initial scaling. */
        void direction(double[] g, boolean[] free, double[] d) {
            for (int i = 0; i < g.length; i++) {
                d[i] = free[i] ? -g[i] : 0;
            }
            for (int k = count - 1; k >= 0; k--) {
                int j = (start + k) % size;
                double a = rho[j] * dotFree(s[j], d, free);
                alpha[j] = a;
                for (int i = 0; i < d.length; i++) {
                    if (free[i]) {
                        d[i] -= a * y[j][i];
                    }
                }
            }
            if (count > 0) {
                int j = (start + count - 1) % size;
                double gamma = dotFree(s[j], y[j], free) / Math.max(1e-300, dotFree(y[j], y[j], free));
                if (gamma > 0 && Double.isFinite(gamma)) {
                    for (int i = 0; i < d.length; i++) {
                        d[i] *= gamma;
                    }
                }
            }
            for (int k = 0; k < count; k++) {
                int j = (start + k) % size;
                double b = rho[j] * dotFree(y[j], d, free);
                for (int i = 0; i < d.length; i++) {
                    if (free[i]) {
                        d[i] += s[j][i] * (alpha[j] - b);
                    }
                }
            }
        }
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
