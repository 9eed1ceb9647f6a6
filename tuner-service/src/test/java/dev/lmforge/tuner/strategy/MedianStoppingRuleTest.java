package dev.lmforge.tuner.strategy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MedianStoppingRuleTest {

    // validation perplexity per epoch of three finished trials
    private static final List<double[]> EARLIER = List.of(
            new double[] {300, 200, 150, 120},   // running averages: 300, 250, 216.7, 192.5
            new double[] {280, 220, 180, 160},   //                  280, 250, 226.7, 210
            new double[] {400, 350, 330, 320});  //                  400, 375, 360,   352.5

    private final MedianStoppingRule rule = MedianStoppingRule.defaults();

    @Test
    void runningAverages() {
        assertEquals(250.0, MedianStoppingRule.runningAverage(EARLIER.get(0), 2), 1e-12);
        assertEquals(216.6666666, MedianStoppingRule.runningAverage(EARLIER.get(0), 3), 1e-6);
        assertEquals(Double.POSITIVE_INFINITY, MedianStoppingRule.runningAverage(new double[] {1, Double.NaN}, 2));
    }

    @Test
    void stopsWhenWorseThanTheMedianOfRunningAverages() {
        // epoch 1: median of {300, 280, 400} = 300
        MedianStoppingRule.Decision d = rule.evaluate(new double[] {310}, EARLIER);
        assertTrue(d.stop());
        assertEquals(300.0, d.median(), 1e-12);
        assertEquals(3, d.comparedTrials());
        assertFalse(rule.evaluate(new double[] {300}, EARLIER).stop(), "equal to the median is not worse");
        // epoch 3: median of {216.7, 226.7, 360} = 226.7: 230 is worse, 220 is not
        assertTrue(rule.evaluate(new double[] {290, 260, 230}, EARLIER).stop());
        MedianStoppingRule.Decision ok = rule.evaluate(new double[] {290, 260, 220}, EARLIER);
        assertFalse(ok.stop());
        assertEquals(226.6666666, ok.median(), 1e-6);
        assertEquals("objective 220.000 at epoch 3 is not worse than the median 226.667 of 3 earlier trials' running averages", ok.reason());
        // the value at epoch k is compared, not the trial's own running average
        assertFalse(rule.evaluate(new double[] {500, 400, 200}, EARLIER).stop());
    }

    @Test
    void onlyTrialsThatReachedEpochKCount() {
        List<double[]> earlier = List.of(new double[] {300, 200, 150, 120}, new double[] {280, 220}, new double[] {400, 350, 330, 320}, new double[] {100});
        MedianStoppingRule.Decision d = rule.evaluate(new double[] {500, 500, 500}, earlier);
        assertFalse(d.stop(), "only 2 earlier trials reached epoch 3");
        assertEquals(2, d.comparedTrials());
        assertTrue(new MedianStoppingRule(2, 1).evaluate(new double[] {500, 500, 500}, earlier).stop());
    }

    @Test
    void minEpochAndMinTrialsKeepItQuiet() {
        assertFalse(new MedianStoppingRule(3, 2).evaluate(new double[] {1000}, EARLIER).stop());
        assertTrue(new MedianStoppingRule(3, 2).evaluate(new double[] {1000, 1000}, EARLIER).stop());
        assertFalse(rule.evaluate(new double[] {1000}, EARLIER.subList(0, 2)).stop());
        assertFalse(rule.evaluate(new double[0], EARLIER).stop());
    }

    @Test
    void divergedTrialStops() {
        assertTrue(rule.evaluate(new double[] {300, Double.NaN}, List.of()).stop());
        // an earlier diverged trial counts as +infinity, so it pulls the median up
        List<double[]> earlier = List.of(new double[] {100}, new double[] {Double.POSITIVE_INFINITY}, new double[] {Double.NaN});
        assertFalse(rule.evaluate(new double[] {1000}, earlier).stop());
    }

    @Test
    void listOverloadAgrees() {
        assertTrue(rule.evaluate(List.of(310.0), List.of(List.of(300.0), List.of(280.0), List.of(400.0))).stop());
    }
}
