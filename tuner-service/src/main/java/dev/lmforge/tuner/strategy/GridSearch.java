package dev.lmforge.tuner.strategy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Grid search: every categorical value crossed with a few levels of each numeric range, enumerated
 * in a fixed order (mixed radix, the last parameter varying fastest), each point once. Levels of a
 * numeric range are evenly spaced on its scale, both ends included (one level: the middle); an
 * integer range never gets more levels than it has values. The level counts are chosen so that the
 * grid has about {@code maxJobs} points: starting from one level each, the numeric range with the
 * fewest levels gets one more while the grid stays within {@code maxJobs}.
 * Already observed or pending points are skipped, so warm-start trials on the grid are not rerun;
 * when every point has been issued, {@link #suggest} returns an empty list.
 */
public final class GridSearch implements SuggestionStrategy {

    private final SearchSpace space;
    private final List<List<Object>> levels;
    private final long size;

    /** A grid of about maxJobs points (at least the number of categorical combinations). */
    public GridSearch(SearchSpace space, int maxJobs) {
        this(space, levelCounts(space, maxJobs));
    }

    /** A grid with the given number of levels per parameter (ignored for categoricals, which use all values). */
    public GridSearch(SearchSpace space, int[] levelCounts) {
        this.space = space;
        if (levelCounts.length != space.size()) {
            throw new IllegalArgumentException("need one level count per parameter (" + space.size() + "), got " + levelCounts.length);
        }
        this.levels = new ArrayList<>();
        long total = 1;
        for (int p = 0; p < space.size(); p++) {
            List<Object> values = levelsOf(space, p, levelCounts[p]);
            levels.add(values);
            total = Math.multiplyExact(total, values.size());
        }
        this.size = total;
    }

    /** Number of points in the grid. */
    public long size() {
        return size;
    }

    /** The values each parameter takes on the grid, in enumeration order. */
    public Map<String, List<Object>> levels() {
        Map<String, List<Object>> out = new LinkedHashMap<>();
        for (int p = 0; p < space.size(); p++) {
            out.put(space.parameters().get(p).name(), List.copyOf(levels.get(p)));
        }
        return out;
    }

    /** The i-th grid point (0 &lt;= i &lt; size()). */
    public Assignment point(long i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("grid point " + i + " of " + size);
        }
        Object[] values = new Object[space.size()];
        for (int p = space.size() - 1; p >= 0; p--) {
            int k = levels.get(p).size();
            values[p] = levels.get(p).get((int) (i % k));
            i /= k;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int p = 0; p < values.length; p++) {
            map.put(space.parameters().get(p).name(), values[p]);
        }
        return Assignment.of(map);
    }

    @Override
    public List<Assignment> suggest(int n, List<Observation> observations, List<Assignment> pending) {
        Set<String> seen = new HashSet<>();
        observations.forEach(o -> seen.add(space.key(o.assignment())));
        pending.forEach(a -> seen.add(space.key(a)));
        List<Assignment> out = new ArrayList<>();
        for (long i = 0; i < size && out.size() < n; i++) {
            Assignment a = point(i);
            if (seen.add(space.key(a))) {
                out.add(a);
            }
        }
        return out;
    }

    /** Level counts per parameter giving a grid of about maxJobs points (categoricals: their value count). */
    static int[] levelCounts(SearchSpace space, int maxJobs) {
        int d = space.size();
        int[] counts = new int[d];
        long[] caps = new long[d];
        long product = 1;
        for (int p = 0; p < d; p++) {
            switch (space.kind(p)) {
                case CATEGORICAL -> {
                    counts[p] = space.categories(p).size();
                    caps[p] = counts[p];
                }
                case INTEGER -> {
                    Parameter.Int r = (Parameter.Int) space.parameters().get(p);
                    counts[p] = 1;
                    caps[p] = r.max() - r.min() + 1;
                }
                case CONTINUOUS -> {
                    counts[p] = 1;
                    caps[p] = Long.MAX_VALUE;
                }
            }
            product = Math.multiplyExact(product, counts[p]);
        }
        while (true) {
            int pick = -1;
            for (int p = 0; p < d; p++) {
                if (space.kind(p) != SearchSpace.Kind.CATEGORICAL && counts[p] < caps[p]
                        && (pick < 0 || counts[p] < counts[pick])) {
                    pick = p;
                }
            }
            if (pick < 0) {
                break;
            }
            long next = product / counts[pick] * (counts[pick] + 1);
            if (next > maxJobs) {
                break;
            }
            product = next;
            counts[pick]++;
        }
        return counts;
    }

    private static List<Object> levelsOf(SearchSpace space, int p, int count) {
        if (space.kind(p) == SearchSpace.Kind.CATEGORICAL) {
            return new ArrayList<>(space.categories(p));
        }
        if (count < 1) {
            throw new IllegalArgumentException("parameter '" + space.parameters().get(p).name() + "' needs at least one grid level");
        }
        Set<Object> values = new LinkedHashSet<>();
        if (space.kind(p) == SearchSpace.Kind.INTEGER) {
            Parameter.Int r = (Parameter.Int) space.parameters().get(p);
            long range = r.max() - r.min() + 1;
            if (count >= range) {
                for (long v = r.min(); v <= r.max(); v++) {
                    values.add(v);
                }
                return new ArrayList<>(values);
            }
            // evenly spaced on the range's scale between the end values, both included
            double a = space.scale(p, r.min());
            double b = space.scale(p, r.max());
            for (int i = 0; i < count; i++) {
                double u = count == 1 ? (a + b) / 2 : a + (b - a) * i / (count - 1);
                values.add(space.roundInt(p, space.unscale(p, u)));
            }
            return new ArrayList<>(values);
        }
        for (int i = 0; i < count; i++) {
            double u = count == 1 ? 0.5 : (double) i / (count - 1);
            values.add(space.unscale(p, u));
        }
        return new ArrayList<>(values);
    }
}
