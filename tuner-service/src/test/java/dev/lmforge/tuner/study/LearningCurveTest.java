package dev.lmforge.tuner.study;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningCurveTest {

    @Test
    void recoversTheGainPerDoublingOfAnExactLogLinearCurve() {
        double[] tokens = {10_000, 25_000, 50_000, 100_000};
        double[] bpc = new double[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            bpc[i] = 3.0 - 0.1 * Math.log(tokens[i]) / Math.log(2);
        }
        LearningCurve curve = LearningCurve.fit(tokens, bpc);
        assertEquals(-0.1, curve.slope(), 1e-12);
        assertEquals(0, curve.slopeStandardError(), 1e-9);
        assertEquals(curve.predict(100_000) - 0.1, curve.predict(200_000), 1e-12);
    }

    @Test
    void noisyPointsGiveAStandardError() {
        LearningCurve curve = LearningCurve.fit(new double[] {1_000, 2_000, 4_000, 8_000}, new double[] {2.0, 1.85, 1.82, 1.70});
        assertTrue(curve.slope() < 0);
        assertTrue(curve.slopeStandardError() > 0);
    }

    @Test
    void needsTwoPoints() {
        assertThrows(IllegalArgumentException.class, () -> LearningCurve.fit(new double[] {1_000}, new double[] {2.0}));
    }
}
