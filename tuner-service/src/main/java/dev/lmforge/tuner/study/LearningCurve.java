package dev.lmforge.tuner.study;

/**
 * A least-squares line through (log2 of train tokens, bits per character): the local form of the
 * power law that learning curves follow, so its slope is what each doubling of the data buys.
 *
 * @param intercept bits per character at one token (only meaningful through the slope)
 * @param slope change in bits per character per doubling of the train tokens (negative when data helps)
 * @param slopeStandardError the slope's standard error, from the residuals (NaN with fewer than 3 points)
 */
public record LearningCurve(double intercept, double slope, double slopeStandardError) {

    public static LearningCurve fit(double[] trainTokens, double[] bpc) {
        int n = trainTokens.length;
        if (n < 2 || bpc.length != n) {
            throw new IllegalArgumentException("a learning curve needs at least 2 points, got " + n);
        }
        double[] x = new double[n];
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            x[i] = Math.log(trainTokens[i]) / Math.log(2);
            mx += x[i] / n;
            my += bpc[i] / n;
        }
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (bpc[i] - my);
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        double residuals = 0;
        for (int i = 0; i < n; i++) {
            double r = bpc[i] - (intercept + slope * x[i]);
            residuals += r * r;
        }
        double se = n > 2 ? Math.sqrt(residuals / (n - 2) / sxx) : Double.NaN;
        return new LearningCurve(intercept, slope, se);
    }

    public double predict(double trainTokens) {
        return intercept + slope * Math.log(trainTokens) / Math.log(2);
    }
}
