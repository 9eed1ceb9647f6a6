package dev.lmforge.tuner.strategy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated set of hyperparameter ranges and its two maps onto the unit hypercube:
 * <ul>
 *   <li><b>unit coordinates</b> ({@link #toUnit}/{@link #fromUnit}): one coordinate in [0,1] per
 *       parameter, in parameter order. Numeric ranges are scaled (linear, log, reverse log); an integer
 *       range [min, max] is scaled as the real interval [min - 0.5, max + 0.5] and rounded back, so a
 *       uniform u gives every integer the same mass; a categorical value with index i of k sits at
 *       (i + 0.5) / k. Random, grid and Hyperband sample here.</li>
 *   <li><b>features</b> ({@link #toFeatures}/{@link #fromFeatures}): the Gaussian process's inputs,
 *       also in [0,1]: numeric parameters as their unit coordinate, categoricals one-hot (k dims);
 *       decoding rounds integers and takes the arg-max category.</li>
 * </ul>
 * Decoding always yields a valid assignment (clamped, rounded), so {@code fromUnit(toUnit(a))} and
 * {@code fromFeatures(toFeatures(a))} give {@code a} back for every valid assignment.
 */
public final class SearchSpace {

    enum Kind { CONTINUOUS, INTEGER, CATEGORICAL }

    private final List<Parameter> parameters;
    private final Kind[] kinds;
    private final long[] intMin;
    private final long[] intMax;
    private final Scaling[] scalings;
    private final double[] lo;
    private final double[] hi;
    private final int[] featureOffset;
    private final int featureDimension;
    private final Map<String, Integer> index = new HashMap<>();
    private final List<Map<String, Integer>> categoryIndex = new ArrayList<>();

    private SearchSpace(List<Parameter> parameters) {
        this.parameters = List.copyOf(parameters);
        int p = this.parameters.size();
        kinds = new Kind[p];
        intMin = new long[p];
        intMax = new long[p];
        scalings = new Scaling[p];
        lo = new double[p];
        hi = new double[p];
        featureOffset = new int[p + 1];
        int offset = 0;
        for (int i = 0; i < p; i++) {
            Parameter param = this.parameters.get(i);
            featureOffset[i] = offset;
            Map<String, Integer> cats = null;
            if (param instanceof Parameter.Continuous c) {
                kinds[i] = Kind.CONTINUOUS;
                scalings[i] = c.scaling().resolve(c.min(), c.max());
                lo[i] = c.min();
                hi[i] = c.max();
                offset += 1;
            } else if (param instanceof Parameter.Int c) {
                kinds[i] = Kind.INTEGER;
                scalings[i] = c.scaling().resolve(c.min(), c.max());
                intMin[i] = c.min();
                intMax[i] = c.max();
                lo[i] = c.min() - 0.5;
                hi[i] = c.max() + 0.5;
                offset += 1;
            } else {
                Parameter.Categorical c = (Parameter.Categorical) param;
                kinds[i] = Kind.CATEGORICAL;
                scalings[i] = Scaling.LINEAR;
                cats = new HashMap<>();
                for (int k = 0; k < c.values().size(); k++) {
                    cats.put(c.values().get(k), k);
                }
                offset += c.values().size();
            }
            categoryIndex.add(cats);
            index.put(param.name(), i);
        }
        featureOffset[p] = offset;
        featureDimension = offset;
    }

    /** Validates the ranges (see the class comment of {@link Scaling} for the scaling rules). */
    public static SearchSpace of(List<? extends Parameter> parameters) {
        if (parameters == null || parameters.isEmpty()) {
            throw new IllegalArgumentException("the search space needs at least one parameter range (continuous, integer or categorical)");
        }
        Set<String> names = new HashSet<>();
        for (Parameter p : parameters) {
            if (p == null) {
                throw new IllegalArgumentException("parameter range must not be null");
            }
            String name = p.name();
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("every parameter range needs a non-blank name");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("duplicate parameter name '" + name + "': each name may appear in one range only");
            }
            if (p instanceof Parameter.Continuous c) {
                validateNumeric(name, c.min(), c.max(), c.scaling(), false);
            } else if (p instanceof Parameter.Int c) {
                validateNumeric(name, c.min(), c.max(), c.scaling(), true);
            } else {
                Parameter.Categorical c = (Parameter.Categorical) p;
                if (c.values().isEmpty()) {
                    throw new IllegalArgumentException("categorical range '" + name + "' has no values: give at least one");
                }
                Set<String> seen = new HashSet<>();
                for (String v : c.values()) {
                    if (v == null) {
                        throw new IllegalArgumentException("categorical range '" + name + "' contains a null value");
                    }
                    if (!seen.add(v)) {
                        throw new IllegalArgumentException("categorical range '" + name + "' lists the value '" + v + "' twice");
                    }
                }
            }
        }
        return new SearchSpace(new ArrayList<>(parameters));
    }

    public static SearchSpace of(Parameter... parameters) {
        return of(Arrays.asList(parameters));
    }

    private static void validateNumeric(String name, double min, double max, Scaling scaling, boolean integer) {
        String kind = integer ? "integer range '" : "continuous range '";
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException(kind + name + "': min_value and max_value must be finite, got [" + min + ", " + max + "]");
        }
        if (min >= max) {
            throw new IllegalArgumentException(kind + name + "': min_value (" + fmt(min, integer) + ") must be less than max_value (" + fmt(max, integer) + ")");
        }
        Scaling resolved = scaling.resolve(min, max);
        if (resolved == Scaling.LOGARITHMIC && min <= 0) {
            throw new IllegalArgumentException(kind + name + "': logarithmic scaling needs min_value > 0, got " + fmt(min, integer));
        }
        if (resolved == Scaling.REVERSE_LOGARITHMIC) {
            if (integer) {
                throw new IllegalArgumentException(kind + name + "': reverse-logarithmic scaling is only supported for continuous ranges");
            }
            if (min < 0 || max >= 1) {
                throw new IllegalArgumentException(kind + name + "': reverse-logarithmic scaling needs 0 <= min_value and max_value < 1, got [" + min + ", " + max + "]");
            }
        }
    }

    private static String fmt(double v, boolean integer) {
        return integer ? Long.toString((long) v) : Double.toString(v);
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    /** Number of parameters (the dimension of the unit coordinates). */
    public int size() {
        return parameters.size();
    }

    /** Number of Gaussian-process input dimensions (categoricals count one per value). */
    public int featureDimension() {
        return featureDimension;
    }

    public Parameter parameter(String name) {
        return parameters.get(indexOf(name));
    }

    int indexOf(String name) {
        Integer i = index.get(name);
        if (i == null) {
            throw new IllegalArgumentException("unknown parameter '" + name + "'");
        }
        return i;
    }

    /** The scaling a parameter uses once AUTO is resolved (LINEAR for categoricals). */
    public Scaling scaling(String name) {
        return scalings[indexOf(name)];
    }

    int featureOffset(int p) {
        return featureOffset[p];
    }

    int featureWidth(int p) {
        return featureOffset[p + 1] - featureOffset[p];
    }

    // ---- numeric scaling ------------------------------------------------------------------------

    /** The unit coordinate of a numeric value of parameter p (not clamped). */
    double scale(int p, double v) {
        double a = lo[p];
        double b = hi[p];
        return switch (scalings[p]) {
            case LOGARITHMIC -> (Math.log(v) - Math.log(a)) / (Math.log(b) - Math.log(a));
            case REVERSE_LOGARITHMIC -> (Math.log1p(-a) - Math.log1p(-v)) / (Math.log1p(-a) - Math.log1p(-b));
            default -> (v - a) / (b - a);
        };
    }

    /** The numeric value at unit coordinate u of parameter p (unrounded, clamped to the range). */
    double unscale(int p, double u) {
        u = clamp01(u);
        double a = lo[p];
        double b = hi[p];
        double v = switch (scalings[p]) {
            case LOGARITHMIC -> Math.exp(Math.log(a) + u * (Math.log(b) - Math.log(a)));
            case REVERSE_LOGARITHMIC -> -Math.expm1(Math.log1p(-a) - u * (Math.log1p(-a) - Math.log1p(-b)));
            default -> a + u * (b - a);
        };
        return Math.min(b, Math.max(a, v));
    }

    static double clamp01(double u) {
        return u < 0 ? 0 : (u > 1 ? 1 : (Double.isNaN(u) ? 0.5 : u));
    }

    /** The value of parameter p at unit coordinate u: Double, Long (rounded) or String. */
    Object valueAt(int p, double u) {
        return switch (kinds[p]) {
            case CONTINUOUS -> unscale(p, u);
            case INTEGER -> roundInt(p, unscale(p, u));
            case CATEGORICAL -> categories(p).get(categoryAt(categories(p).size(), u));
        };
    }

    Kind kind(int p) {
        return kinds[p];
    }

    List<String> categories(int p) {
        return ((Parameter.Categorical) parameters.get(p)).values();
    }

    long roundInt(int p, double v) {
        return Math.max(intMin[p], Math.min(intMax[p], Math.round(v)));
    }

    static int categoryAt(int k, double u) {
        return Math.min(k - 1, (int) Math.floor(clamp01(u) * k));
    }

    /** The unit coordinate of a (normalised) value of parameter p. */
    double unitOf(int p, Object value) {
        if (kinds[p] == Kind.CATEGORICAL) {
            return (categoryIndex.get(p).get((String) value) + 0.5) / categories(p).size();
        }
        return clamp01(scale(p, ((Number) value).doubleValue()));
    }

    // ---- unit coordinates -----------------------------------------------------------------------

    /** One coordinate in [0,1] per parameter. */
    public double[] toUnit(Assignment assignment) {
        Assignment a = normalize(assignment);
        double[] u = new double[size()];
        for (int p = 0; p < u.length; p++) {
            u[p] = unitOf(p, a.values().get(parameters.get(p).name()));
        }
        return u;
    }

    /** The valid assignment at unit coordinates u (clamped to [0,1], integers rounded). */
    public Assignment fromUnit(double[] u) {
        checkLength(u, size(), "unit coordinates");
        Map<String, Object> values = new LinkedHashMap<>();
        for (int p = 0; p < u.length; p++) {
            values.put(parameters.get(p).name(), valueAt(p, u[p]));
        }
        return new Assignment(values, 0, "");
    }

    // ---- features (GP inputs) -------------------------------------------------------------------

    /** Gaussian-process inputs: numeric parameters as unit coordinates, categoricals one-hot. */
    public double[] toFeatures(Assignment assignment) {
        Assignment a = normalize(assignment);
        double[] x = new double[featureDimension];
        for (int p = 0; p < size(); p++) {
            Parameter param = parameters.get(p);
            Object v = a.values().get(param.name());
            if (param instanceof Parameter.Categorical) {
                x[featureOffset[p] + categoryIndex.get(p).get((String) v)] = 1.0;
            } else {
                x[featureOffset[p]] = unitOf(p, v);
            }
        }
        return x;
    }

    /** The valid assignment nearest to features x: numeric values clamped and rounded, arg-max category. */
    public Assignment fromFeatures(double[] x) {
        checkLength(x, featureDimension, "features");
        Map<String, Object> values = new LinkedHashMap<>();
        for (int p = 0; p < size(); p++) {
            Parameter param = parameters.get(p);
            int o = featureOffset[p];
            if (param instanceof Parameter.Categorical c) {
                values.put(param.name(), c.values().get(argMax(x, o, c.values().size())));
            } else {
                values.put(param.name(), valueAt(p, x[o]));
            }
        }
        return new Assignment(values, 0, "");
    }

    /**
     * Features of the valid point nearest to unit coordinates u, written into x: what
     * {@code toFeatures(fromUnit(u))} gives, without building maps (the optimiser calls this a lot).
     */
    void unitToFeatures(double[] u, double[] x) {
        for (int p = 0; p < size(); p++) {
            int o = featureOffset[p];
            switch (kinds[p]) {
                case CONTINUOUS -> x[o] = clamp01(u[p]);
                case INTEGER -> x[o] = clamp01(scale(p, roundInt(p, unscale(p, u[p]))));
                case CATEGORICAL -> {
                    int k = categories(p).size();
                    Arrays.fill(x, o, o + k, 0.0);
                    x[o + categoryAt(k, u[p])] = 1.0;
                }
            }
        }
    }

    /** Features of the valid point nearest to features x (rounds integers, one-hot of the arg-max), in place. */
    void snapFeatures(double[] x) {
        for (int p = 0; p < size(); p++) {
            int o = featureOffset[p];
            switch (kinds[p]) {
                case CONTINUOUS -> x[o] = clamp01(x[o]);
                case INTEGER -> x[o] = clamp01(scale(p, roundInt(p, unscale(p, x[o]))));
                case CATEGORICAL -> {
                    int k = categories(p).size();
                    int best = argMax(x, o, k);
                    Arrays.fill(x, o, o + k, 0.0);
                    x[o + best] = 1.0;
                }
            }
        }
    }

    private static int argMax(double[] x, int o, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (x[o + j] > x[o + best]) {
                best = j;
            }
        }
        return best;
    }

    private static void checkLength(double[] v, int n, String what) {
        if (v.length != n) {
            throw new IllegalArgumentException(what + " have length " + v.length + ", the search space needs " + n);
        }
    }

    // ---- values ---------------------------------------------------------------------------------

    /**
     * The assignment with values of canonical types (Double, Long, String), resource and tag kept;
     * throws IllegalArgumentException when a parameter is missing, unknown or out of its range.
     */
    public Assignment normalize(Assignment assignment) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Parameter param : parameters) {
            Object v = assignment.values().get(param.name());
            if (v == null) {
                throw new IllegalArgumentException("assignment has no value for parameter '" + param.name() + "': " + assignment.values());
            }
            values.put(param.name(), canonical(param, v));
        }
        if (assignment.values().size() != parameters.size()) {
            for (String k : assignment.values().keySet()) {
                indexOf(k);
            }
        }
        return new Assignment(values, assignment.resource(), assignment.tag());
    }

    /** Parses string hyperparameters (e.g. a parent tuning job's trial) into an assignment. */
    public Assignment parse(Map<String, String> hyperparameters) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Parameter param : parameters) {
            String s = hyperparameters.get(param.name());
            if (s == null) {
                throw new IllegalArgumentException("no value for parameter '" + param.name() + "' in " + hyperparameters);
            }
            values.put(param.name(), canonical(param, s.trim()));
        }
        return new Assignment(values, 0, "");
    }

    private static Object canonical(Parameter param, Object v) {
        if (param instanceof Parameter.Continuous c) {
            {
                double d = v instanceof Number n ? n.doubleValue() : parseDouble(param, v.toString());
                double tol = 1e-12 * Math.max(1.0, Math.max(Math.abs(c.min()), Math.abs(c.max())));
                if (!(d >= c.min() - tol && d <= c.max() + tol)) {
                    throw new IllegalArgumentException("value " + v + " of '" + param.name() + "' is outside [" + c.min() + ", " + c.max() + "]");
                }
                return Math.min(c.max(), Math.max(c.min(), d));
            }
        } else if (param instanceof Parameter.Int c) {
            {
                long l;
                if (v instanceof Long || v instanceof java.lang.Integer || v instanceof Short || v instanceof Byte) {
                    l = ((Number) v).longValue();
                } else {
                    double d = v instanceof Number n ? n.doubleValue() : parseDouble(param, v.toString());
                    if (d != Math.rint(d)) {
                        throw new IllegalArgumentException("value " + v + " of integer parameter '" + param.name() + "' is not an integer");
                    }
                    l = (long) d;
                }
                if (l < c.min() || l > c.max()) {
                    throw new IllegalArgumentException("value " + v + " of '" + param.name() + "' is outside [" + c.min() + ", " + c.max() + "]");
                }
                return l;
            }
        } else {
            Parameter.Categorical c = (Parameter.Categorical) param;
            String s = v.toString();
            if (!c.values().contains(s)) {
                throw new IllegalArgumentException("value '" + s + "' of '" + param.name() + "' is not one of " + c.values());
            }
            return s;
        }
    }

    private static double parseDouble(Parameter param, String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("value '" + s + "' of '" + param.name() + "' is not a number");
        }
    }

    /** A canonical string of the assignment's values (not resource or tag), for duplicate detection. */
    String key(Assignment assignment) {
        StringBuilder sb = new StringBuilder();
        for (Parameter param : parameters) {
            Object v = assignment.values().get(param.name());
            if (v instanceof Number n && param instanceof Parameter.Continuous) {
                sb.append(n.doubleValue());
            } else if (v instanceof Number n && param instanceof Parameter.Int) {
                sb.append(n.longValue());
            } else {
                sb.append(v);
            }
            sb.append('\u0001');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "SearchSpace" + parameters;
    }
}
