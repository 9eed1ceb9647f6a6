package dev.lmforge.tuner.strategy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hyperband (Li et al., JMLR 2018) with training epochs as the resource.
 *
 * <p>With maximum resource R, minimum resource r_min and reduction factor eta, s_max =
 * floor(log_eta(R / r_min)). Bracket s (s = s_max .. 0) starts n = ceil((s_max + 1) / (s + 1) * eta^s)
 * random configurations at r = R * eta^-s epochs and runs successive halving: rung i has
 * n_i = floor(n / eta^i) configurations trained for r_i = R * eta^(i - s) epochs (rounded, at least
 * r_min), the best n_i of rung i - 1 once all of rung i - 1 has finished. One Hyperband iteration is all
 * brackets; then the next iteration starts with fresh configurations.
 *
 * <p>Driving it: every suggested {@link Assignment} carries {@code resource} (the epochs to train)
 * and a {@code tag} ({@link Tag}); the service starts a training job with epochs = resource, stores
 * the tag with the trial, and reports the job's final objective as an {@link Observation} of that
 * same assignment (failed: {@link Observation#failed}). Pending assignments must keep their tags.
 * A promoted configuration has the same values as its parent in the rung below
 * ({@link Tag#parent()}); the service may warm-start it from the parent's checkpoint and train only
 * the difference, or simply train from scratch. Brackets are independent, so while one waits for a
 * rung to finish, free slots go to the next bracket (or the next iteration). Observations without a
 * Hyperband tag (e.g. warm start) are ignored. Use Hyperband without the median stopping rule.
 */
public final class Hyperband implements SuggestionStrategy {

    /**
     * @param maxResource R: epochs of a fully trained configuration
     * @param minResource r_min: the fewest epochs any trial trains (usually 1)
     * @param eta         reduction factor (3: keep the best third at each rung)
     */
    public record Options(int maxResource, int minResource, int eta) {
        public Options {
            if (minResource < 1) {
                throw new IllegalArgumentException("Hyperband needs min resource >= 1 epoch, got " + minResource);
            }
            if (maxResource < minResource) {
                throw new IllegalArgumentException("Hyperband needs max resource (" + maxResource + ") >= min resource (" + minResource + ")");
            }
            if (eta < 2) {
                throw new IllegalArgumentException("Hyperband needs eta >= 2, got " + eta);
            }
        }

        public static Options of(int maxResource) {
            return new Options(maxResource, 1, 3);
        }
    }

    /** A rung: how many configurations train for how many epochs. */
    public record Rung(int configurations, int resource) {
    }

    /** A bracket s with its successive-halving rungs. */
    public record Bracket(int s, List<Rung> rungs) {
        /** Trials (training jobs) the bracket runs. */
        public int jobs() {
            return rungs.stream().mapToInt(Rung::configurations).sum();
        }

        /** Epochs the bracket trains in total. */
        public long epochs() {
            return rungs.stream().mapToLong(r -> (long) r.configurations() * r.resource()).sum();
        }
    }

    /** Identity of a Hyperband trial: iteration, bracket s, rung i, configuration j; as text "hb/it/s/i/j". */
    public record Tag(int iteration, int bracket, int rung, int config) {
        public static final String PREFIX = "hb/";

        public static Tag parse(String tag) {
            if (tag == null || !tag.startsWith(PREFIX)) {
                return null;
            }
            String[] f = tag.substring(PREFIX.length()).split("/");
            if (f.length != 4) {
                return null;
            }
            try {
                return new Tag(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        /** The same configuration one rung lower (its previous, shorter training), or null on rung 0. */
        public Tag parent() {
            return rung == 0 ? null : new Tag(iteration, bracket, rung - 1, config);
        }

        @Override
        public String toString() {
            return PREFIX + iteration + "/" + bracket + "/" + rung + "/" + config;
        }
    }

    private final SearchSpace space;
    private final long seed;
    private final Options options;
    private final List<Bracket> brackets;

    public Hyperband(SearchSpace space, long seed, Options options) {
        this.space = space;
        this.seed = seed;
        this.options = options;
        this.brackets = brackets(options);
    }

    /** The brackets of one Hyperband iteration, s = s_max first. */
    public static List<Bracket> brackets(Options o) {
        int sMax = 0;
        long p = o.eta();
        while (p * o.minResource() <= o.maxResource()) {
            sMax++;
            p *= o.eta();
        }
        List<Bracket> out = new ArrayList<>();
        for (int s = sMax; s >= 0; s--) {
            long etaS = pow(o.eta(), s);
            long n = ceilDiv((long) (sMax + 1) * etaS, s + 1);
            List<Rung> rungs = new ArrayList<>();
            for (int i = 0; i <= s; i++) {
                long ni = n / pow(o.eta(), i);
                double ri = o.maxResource() * Math.pow(o.eta(), i - s);
                int epochs = (int) Math.max(o.minResource(), Math.min(o.maxResource(), Math.round(ri)));
                rungs.add(new Rung((int) ni, epochs));
            }
            out.add(new Bracket(s, List.copyOf(rungs)));
        }
        return List.copyOf(out);
    }

    public List<Bracket> brackets() {
        return brackets;
    }

    /** Trials one full Hyperband iteration runs (all brackets). */
    public int jobsPerIteration() {
        return brackets.stream().mapToInt(Bracket::jobs).sum();
    }

    private static long pow(long b, int e) {
        long r = 1;
        for (int i = 0; i < e; i++) {
            r = Math.multiplyExact(r, b);
        }
        return r;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    @Override
    public List<Assignment> suggest(int n, List<Observation> observations, List<Assignment> pending) {
        Map<String, Observation> results = new HashMap<>();
        Set<String> issued = new HashSet<>();
        for (Observation o : observations) {
            Tag t = Tag.parse(o.assignment().tag());
            if (t != null) {
                Observation prev = results.get(t.toString());
                if (prev == null || prev.isFailed() || (!o.isFailed() && o.value() < prev.value())) {
                    results.put(t.toString(), o);
                }
                issued.add(t.toString());
            }
        }
        for (Assignment a : pending) {
            Tag t = Tag.parse(a.tag());
            if (t != null) {
                issued.add(t.toString());
            }
        }
        List<Assignment> out = new ArrayList<>();
        for (int it = 0; out.size() < n; it++) {
            for (int b = 0; b < brackets.size() && out.size() < n; b++) {
                suggestInBracket(it, brackets.get(b), results, issued, out, n);
            }
        }
        return out;
    }

    private void suggestInBracket(int it, Bracket bracket, Map<String, Observation> results, Set<String> issued,
                                  List<Assignment> out, int n) {
        int s = bracket.s();
        // members of each rung, as (config index, values), while the rung below is complete
        List<List<Member>> members = new ArrayList<>();
        List<Member> rung0 = new ArrayList<>();
        int n0 = bracket.rungs().get(0).configurations();
        for (int j = 0; j < n0; j++) {
            Tag tag = new Tag(it, s, 0, j);
            Observation o = results.get(tag.toString());
            rung0.add(new Member(j, o != null ? o.assignment().values() : null, o));
        }
        members.add(rung0);
        for (int i = 1; i <= s; i++) {
            final int rung = i;
            List<Member> below = members.get(i - 1);
            if (below.stream().anyMatch(m -> m.result == null)) {
                break;
            }
            int keep = bracket.rungs().get(i).configurations();
            List<Member> promoted = below.stream()
                    .sorted(Comparator.comparingDouble((Member m) -> m.result.isFailed() ? Double.POSITIVE_INFINITY : m.result.value())
                            .thenComparingInt(m -> m.config))
                    .limit(keep)
                    .map(m -> {
                        Observation o = results.get(new Tag(it, s, rung, m.config).toString());
                        return new Member(m.config, m.result.assignment().values(), o);
                    })
                    .toList();
            members.add(promoted);
        }
        // promotions first (highest rung), then fresh configurations
        for (int i = members.size() - 1; i >= 0 && out.size() < n; i--) {
            int epochs = bracket.rungs().get(i).resource();
            for (Member m : members.get(i)) {
                if (out.size() >= n) {
                    break;
                }
                Tag tag = new Tag(it, s, i, m.config);
                if (issued.add(tag.toString())) {
                    Map<String, Object> values = m.values != null ? m.values : sample(it, s, m.config).values();
                    out.add(new Assignment(values, epochs, tag.toString()));
                }
            }
        }
    }

    private Assignment sample(int it, int s, int j) {
        return space.fromUnit(RandomSearch.uniform(Seeds.stream(seed, 0x4842L, it, s, j), space.size()));
    }

    private record Member(int config, Map<String, Object> values, Observation result) {
    }
}
