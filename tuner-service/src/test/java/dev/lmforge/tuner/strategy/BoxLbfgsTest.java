package dev.lmforge.tuner.strategy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoxLbfgsTest {

    /** Rosenbrock's valley: f = (1 - a)² + 100 (b - a²)², minimum 0 at (1, 1). */
    private static final BoxLbfgs.Objective ROSENBROCK = (x, g) -> {
        double a = x[0];
        double b = x[1];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) * (1 - a) + 100 * (b - a * a) * (b - a * a);
    };

    @Test
    void findsAnInteriorMinimum() {
        BoxLbfgs.Result r = BoxLbfgs.minimize(ROSENBROCK, new double[] {-1.2, 1}, new double[] {-2, -2}, new double[] {2, 2}, 500, 1e-9);
        assertArrayEquals(new double[] {1, 1}, r.x(), 1e-4);
        assertEquals(0, r.value(), 1e-8);
        assertTrue(r.evaluations() < 400, "evaluations: " + r.evaluations());
    }

    @Test
    void stopsOnTheBoundThatHoldsTheMinimum() {
        // With a ≤ 0.5 the constrained minimum is at a = 0.5, b = a² = 0.25.
        BoxLbfgs.Result r = BoxLbfgs.minimize(ROSENBROCK, new double[] {0, 0}, new double[] {-2, -2}, new double[] {0.5, 2}, 500, 1e-9);
        assertArrayEquals(new double[] {0.5, 0.25}, r.x(), 1e-5);
        assertEquals(0.25, r.value(), 1e-8);
    }

    @Test
    void aStartOutsideTheBoxIsProjectedAndAFlatStartReturnsAtOnce() {
        BoxLbfgs.Result r = BoxLbfgs.minimize((x, g) -> 0, new double[] {5, -5}, new double[] {0, 0}, new double[] {1, 1}, 100, 1e-9);
        assertArrayEquals(new double[] {1, 0}, r.x(), 0);
        assertEquals(0, r.iterations());
        assertEquals(1, r.evaluations());
    }
}
