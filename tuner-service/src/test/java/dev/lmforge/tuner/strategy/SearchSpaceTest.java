package dev.lmforge.tuner.strategy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchSpaceTest {

    static SearchSpace mixed() {
        return SearchSpace.of(
                Parameter.continuous("lr", 1e-4, 1e-1, Scaling.LOGARITHMIC),
                Parameter.continuous("dropout", 0.0, 0.5, Scaling.LINEAR),
                Parameter.continuous("beta2", 0.9, 0.9999, Scaling.REVERSE_LOGARITHMIC),
                Parameter.integer("layers", 1, 4, Scaling.LINEAR),
                Parameter.integer("hidden", 16, 2048, Scaling.AUTO),
                Parameter.categorical("optimizer", "adam", "sgd", "rmsprop"));
    }

    @Test
    void continuousScalingsMapEndsAndMiddles() {
        SearchSpace s = mixed();
        int lr = s.indexOf("lr");
        assertEquals(0.0, s.scale(lr, 1e-4), 1e-12);
        assertEquals(1.0, s.scale(lr, 1e-1), 1e-12);
        assertEquals(0.5, s.scale(lr, Math.sqrt(1e-4 * 1e-1)), 1e-12, "log scale: geometric mean in the middle");
        int dropout = s.indexOf("dropout");
        assertEquals(0.5, s.scale(dropout, 0.25), 1e-12);
        int beta2 = s.indexOf("beta2");
        assertEquals(0.0, s.scale(beta2, 0.9), 1e-12);
        assertEquals(1.0, s.scale(beta2, 0.9999), 1e-9);
        assertEquals(1.0 / 3, s.scale(beta2, 0.99), 1e-9, "reverse log: 1 - v is log-spaced (0.1, 0.01, 0.001, 0.0001)");
        assertEquals(2.0 / 3, s.scale(beta2, 0.999), 1e-9);
    }

    @Test
    void autoScalingPicksLogForWideRangesWithPositiveMin() {
        SearchSpace s = SearchSpace.of(
                Parameter.continuous("a", 1e-5, 1e-2, Scaling.AUTO),
                Parameter.continuous("b", 0.1, 0.9, Scaling.AUTO),
                Parameter.continuous("c", -1, 1000, Scaling.AUTO),
                Parameter.integer("d", 16, 2048, Scaling.AUTO),
                Parameter.integer("e", 1, 10, null));
        assertEquals(Scaling.LOGARITHMIC, s.scaling("a"));
        assertEquals(Scaling.LINEAR, s.scaling("b"));
        assertEquals(Scaling.LINEAR, s.scaling("c"), "min <= 0: linear");
        assertEquals(Scaling.LOGARITHMIC, s.scaling("d"));
        assertEquals(Scaling.LINEAR, s.scaling("e"), "max / min < 100: linear");
        assertEquals(Scaling.LINEAR, s.scaling("a").resolve(1, 2) == Scaling.LOGARITHMIC ? Scaling.LINEAR : Scaling.LINEAR);
    }

    @Test
    void unitAndFeatureRoundTripsGiveTheAssignmentBack() {
        SearchSpace s = mixed();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 500; i++) {
            double[] u = new double[s.size()];
            for (int j = 0; j < u.length; j++) {
                u[j] = random.nextDouble();
            }
            Assignment a = s.fromUnit(u);
            assertEquals(a, s.fromUnit(s.toUnit(a)));
            assertEquals(a, s.fromFeatures(s.toFeatures(a)));
            assertEquals(a, s.parse(a.hyperparameters()), "string hyperparameters parse back exactly");
            for (double v : s.toFeatures(a)) {
                assertTrue(v >= 0 && v <= 1, "features in the unit cube");
            }
            double lr = a.getDouble("lr");
            assertTrue(lr >= 1e-4 && lr <= 1e-1);
            long layers = a.getLong("layers");
            assertTrue(layers >= 1 && layers <= 4);
            double beta2 = a.getDouble("beta2");
            assertTrue(beta2 >= 0.9 && beta2 <= 0.9999);
        }
    }

    @Test
    void featuresAreOneHotForCategoricalsAndDecodeByArgMax() {
        SearchSpace s = mixed();
        assertEquals(8, s.featureDimension());
        Assignment a = Assignment.of(Map.of("lr", 0.001, "dropout", 0.1, "beta2", 0.99, "layers", 2, "hidden", 128, "optimizer", "sgd"));
        double[] x = s.toFeatures(a);
        assertArrayEquals(new double[] {0, 1, 0}, new double[] {x[5], x[6], x[7]});
        x[5] = 0.4;
        x[6] = 0.3;
        x[7] = 0.35;
        x[3] = s.toFeatures(a)[3] + 0.05; // a little off the integer's centre: rounds back
        Assignment b = s.fromFeatures(x);
        assertEquals("adam", b.getString("optimizer"));
        assertEquals(2L, b.getLong("layers"));
    }

    @Test
    void integersAreUniformUnderUniformUnitCoordinates() {
        SearchSpace s = SearchSpace.of(Parameter.integer("k", 1, 4, Scaling.LINEAR));
        int[] counts = new int[5];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 40000; i++) {
            counts[(int) s.fromUnit(new double[] {random.nextDouble()}).getLong("k")]++;
        }
        for (int k = 1; k <= 4; k++) {
            assertEquals(10000, counts[k], 400, "every integer equally likely, got " + counts[k] + " for " + k);
        }
        assertEquals(1L, s.fromUnit(new double[] {0.0}).getLong("k"));
        assertEquals(4L, s.fromUnit(new double[] {1.0}).getLong("k"));
    }

    @Test
    void normalizeAcceptsIntsAndRejectsOutOfRange() {
        SearchSpace s = mixed();
        Assignment a = s.normalize(Assignment.of(Map.of("lr", 0.01f, "dropout", 0, "beta2", 0.95, "layers", 3, "hidden", 64.0, "optimizer", "adam")));
        assertEquals(3L, a.values().get("layers"));
        assertEquals(64L, a.values().get("hidden"));
        assertEquals(0.0, a.values().get("dropout"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.parse(Map.of("lr", "0.5", "dropout", "0", "beta2", "0.95", "layers", "3", "hidden", "64", "optimizer", "adam")));
        assertEquals("value 0.5 of 'lr' is outside [1.0E-4, 0.1]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> s.parse(Map.of("lr", "0.01", "dropout", "0", "beta2", "0.95", "layers", "2.5", "hidden", "64", "optimizer", "adam")));
        assertEquals("value 2.5 of integer parameter 'layers' is not an integer", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> s.parse(Map.of("lr", "0.01", "dropout", "0", "beta2", "0.95", "layers", "2", "hidden", "64", "optimizer", "adamw")));
        assertEquals("value 'adamw' of 'optimizer' is not one of [adam, sgd, rmsprop]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> s.parse(Map.of("lr", "0.01")));
        assertTrue(e.getMessage().startsWith("no value for parameter 'dropout'"), e.getMessage());
    }

    @Test
    void validationMessagesNameTheProblem() {
        assertMessage("the search space needs at least one parameter range (continuous, integer or categorical)", List.of());
        assertMessage("continuous range 'lr': min_value (0.1) must be less than max_value (0.01)",
                List.of(Parameter.continuous("lr", 0.1, 0.01, Scaling.LINEAR)));
        assertMessage("continuous range 'lr': min_value (0.1) must be less than max_value (0.1)",
                List.of(Parameter.continuous("lr", 0.1, 0.1, Scaling.LINEAR)));
        assertMessage("integer range 'layers': min_value (4) must be less than max_value (2)",
                List.of(Parameter.integer("layers", 4, 2, Scaling.LINEAR)));
        assertMessage("continuous range 'lr': logarithmic scaling needs min_value > 0, got 0.0",
                List.of(Parameter.continuous("lr", 0, 0.1, Scaling.LOGARITHMIC)));
        assertMessage("integer range 'n': logarithmic scaling needs min_value > 0, got 0",
                List.of(Parameter.integer("n", 0, 100, Scaling.LOGARITHMIC)));
        assertMessage("continuous range 'momentum': reverse-logarithmic scaling needs 0 <= min_value and max_value < 1, got [0.9, 1.0]",
                List.of(Parameter.continuous("momentum", 0.9, 1.0, Scaling.REVERSE_LOGARITHMIC)));
        assertMessage("integer range 'n': reverse-logarithmic scaling is only supported for continuous ranges",
                List.of(Parameter.integer("n", -10, 0, Scaling.REVERSE_LOGARITHMIC)));
        assertMessage("duplicate parameter name 'lr': each name may appear in one range only",
                List.of(Parameter.continuous("lr", 0, 1, Scaling.LINEAR), Parameter.categorical("lr", "a", "b")));
        assertMessage("categorical range 'opt' has no values: give at least one", List.of(Parameter.categorical("opt", List.of())));
        assertMessage("categorical range 'opt' lists the value 'adam' twice", List.of(Parameter.categorical("opt", "adam", "sgd", "adam")));
        assertMessage("every parameter range needs a non-blank name", List.of(Parameter.continuous(" ", 0, 1, Scaling.LINEAR)));
        assertMessage("continuous range 'x': min_value and max_value must be finite, got [0.0, Infinity]",
                List.of(Parameter.continuous("x", 0, Double.POSITIVE_INFINITY, Scaling.LINEAR)));
    }

    private static void assertMessage(String expected, List<Parameter> params) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SearchSpace.of(params));
        assertEquals(expected, e.getMessage());
    }
}
