package dev.lmforge.tuner.strategy;

/**
 * Standard normal density and distribution, and the expected-improvement function
 * h(z) = phi(z) + z Phi(z) in log space, accurate far into the lower tail (where plain EI underflows
 * to 0 and its optimiser sees a flat landscape; see Ament et al., "Unexpected Improvements to
 * Expected Improvement for Bayesian Optimization", 2023).
 */
final class Normal {

    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2 * Math.PI);

    private Normal() {
    }

    static double pdf(double z) {
        return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
    }

    static double logPdf(double z) {
        return -0.5 * z * z - LOG_SQRT_2PI;
    }

    /** Phi(z), absolute error ~1e-15 (Marsaglia's series), tails via the Mills ratio. */
    static double cdf(double z) {
        if (z < -8) {
            double t = -z;
            return pdf(t) * millsRatio(t);
        }
        if (z > 8) {
            return 1.0 - pdf(z) * millsRatio(z);
        }
        double s = z;
        double term = z;
        double z2 = z * z;
        for (int i = 3; i < 400; i += 2) {
            term *= z2 / i;
            double prev = s;
            s += term;
            if (s == prev) {
                break;
            }
        }
        return 0.5 + pdf(z) * s;
    }

    /**
     * Mills ratio m(t) = (1 - Phi(t)) / phi(t) for t &gt;= 3, by Laplace's continued fraction
     * m(t) = 1/(t + 1/(t + 2/(t + 3/(t + ...)))), evaluated with the modified Lentz method.
     */
    static double millsRatio(double t) {
        double tiny = 1e-300;
        double f = t;
        double c = t;
        double d = 0;
        for (int k = 1; k < 5000; k++) {
            d = t + k * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = t + k / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1.0 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1.0) < 1e-16) {
                break;
            }
        }
        return 1.0 / f;
    }

    /** 1 - t m(t) for t &gt;= 3 (= h(-t) / phi(t)), with its asymptotic series for very large t. */
    private static double tailFactor(double t) {
        if (t > 1e4) {
            double u = 1.0 / (t * t);
            return u * (1 - 3 * u + 15 * u * u);
        }
        return 1.0 - t * millsRatio(t);
    }

    /** log h(z), h(z) = phi(z) + z Phi(z) = E[max(0, z - N(0,1))]... i.e. EI / sigma. */
    static double logH(double z) {
        if (z > -3) {
            return Math.log(pdf(z) + z * cdf(z));
        }
        double t = -z;
        return logPdf(z) + Math.log(tailFactor(t));
    }

    /** d log h / dz = Phi(z) / h(z), stable in the tail (there it is m(t) / (1 - t m(t)), t = -z). */
    static double dLogH(double z) {
        if (z > -3) {
            double c = cdf(z);
            return c / (pdf(z) + z * c);
        }
        double t = -z;
        if (t > 1e4) {
            return t; // m(t) / (1 - t m(t)) ~ (1/t) / (1/t^2)
        }
        double m = millsRatio(t);
        return m / (1.0 - t * m);
    }

    /**
     * Inverse of Phi (the normal quantile) for p in (0, 1): Acklam's rational approximation
     * (relative error below 1.2e-9), refined by one Halley step.
     */
    static double quantile(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("quantile needs 0 < p < 1, got " + p);
        }
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double pLow = 0.02425;
        double x;
        if (p < pLow) {
            double q = Math.sqrt(-2 * Math.log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else if (p <= 1 - pLow) {
            double q = p - 0.5;
            double r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        } else {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        double e = cdf(x) - p;
        double u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
        return x - u / (1 + x * u / 2);
    }
}
