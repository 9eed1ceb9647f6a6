package dev.lmforge.tuner.strategy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HyperbandTest {

    private static final SearchSpace SPACE = SearchSpace.of(
            Parameter.continuous("lr", 1e-4, 1e-1, Scaling.LOGARITHMIC),
            Parameter.categorical("cell", "lstm", "gru"));

    private static List<List<Integer>> table(List<Hyperband.Bracket> brackets, boolean configs) {
        return brackets.stream().map(b -> b.rungs().stream().map(r -> configs ? r.configurations() : r.resource()).toList()).toList();
    }

    @Test
    void bracketsMatchThePaperForR81() {
        // Li et al. 2018, Table 1: R = 81, eta = 3
        List<Hyperband.Bracket> b = Hyperband.brackets(Hyperband.Options.of(81));
        assertEquals(List.of(4, 3, 2, 1, 0), b.stream().map(Hyperband.Bracket::s).toList());
        assertEquals(List.of(List.of(81, 27, 9, 3, 1), List.of(34, 11, 3, 1), List.of(15, 5, 1), List.of(8, 2), List.of(5)), table(b, true));
        assertEquals(List.of(List.of(1, 3, 9, 27, 81), List.of(3, 9, 27, 81), List.of(9, 27, 81), List.of(27, 81), List.of(81)), table(b, false));
    }

    @Test
    void bracketsForR27AndUnevenR() {
        List<Hyperband.Bracket> b = Hyperband.brackets(Hyperband.Options.of(27));
        assertEquals(List.of(List.of(27, 9, 3, 1), List.of(12, 4, 1), List.of(6, 2), List.of(4)), table(b, true));
        assertEquals(List.of(List.of(1, 3, 9, 27), List.of(3, 9, 27), List.of(9, 27), List.of(27)), table(b, false));
        assertEquals(69, new Hyperband(SPACE, 1, Hyperband.Options.of(27)).jobsPerIteration());
        assertEquals(108, b.get(0).epochs(), "27x1 + 9x3 + 3x9 + 1x27");

        List<Hyperband.Bracket> c = Hyperband.brackets(Hyperband.Options.of(10));
        assertEquals(List.of(List.of(9, 3, 1), List.of(5, 1), List.of(3)), table(c, true));
        assertEquals(List.of(List.of(1, 3, 10), List.of(3, 10), List.of(10)), table(c, false), "10/9 -> 1, 10/3 -> 3");

        List<Hyperband.Bracket> d = Hyperband.brackets(new Hyperband.Options(20, 2, 2));
        assertEquals(List.of(3, 2, 1, 0), d.stream().map(Hyperband.Bracket::s).toList(), "log2(20/2) = 3.3");
        assertEquals(List.of(List.of(8, 4, 2, 1), List.of(6, 3, 1), List.of(4, 2), List.of(4)), table(d, true), "ceil(4/3 * 4) = 6");
        assertEquals(List.of(List.of(3, 5, 10, 20), List.of(5, 10, 20), List.of(10, 20), List.of(20)), table(d, false), "20/8 = 2.5 rounds to 3");

        assertEquals(List.of(List.of(1)), table(Hyperband.brackets(Hyperband.Options.of(1)), true));
        assertEquals("Hyperband needs eta >= 2, got 1", assertThrows(IllegalArgumentException.class, () -> new Hyperband.Options(9, 1, 1)).getMessage());
    }

    @Test
    void tagsRoundTrip() {
        Hyperband.Tag t = new Hyperband.Tag(1, 3, 2, 17);
        assertEquals("hb/1/3/2/17", t.toString());
        assertEquals(t, Hyperband.Tag.parse("hb/1/3/2/17"));
        assertEquals(new Hyperband.Tag(1, 3, 1, 17), t.parent());
        assertNull(new Hyperband.Tag(0, 3, 0, 1).parent());
        assertNull(Hyperband.Tag.parse("warm-start"));
        assertNull(Hyperband.Tag.parse("hb/1/x/2/3"));
    }

    /** Objective: smaller lr is better, and more epochs help (a learning curve). */
    private static double objective(Assignment a) {
        return Math.log10(a.getDouble("lr")) + 10.0 / a.resource() + (a.getString("cell").equals("gru") ? 0.1 : 0);
    }

    @Test
    void sequentialIterationRunsSuccessiveHalvingWithPromotionsOfTheBest() {
        Hyperband hb = new Hyperband(SPACE, 42, Hyperband.Options.of(27));
        List<Observation> obs = new ArrayList<>();
        for (int i = 0; i < 69; i++) {
            List<Assignment> next = hb.suggest(1, obs, List.of());
            assertEquals(1, next.size());
            Assignment a = next.get(0);
            obs.add(new Observation(a, objective(a)));
        }
        Map<String, Integer> perRung = new HashMap<>();
        for (Observation o : obs) {
            Hyperband.Tag t = Hyperband.Tag.parse(o.assignment().tag());
            assertNotNull(t);
            assertEquals(0, t.iteration(), "one full iteration is 69 trials");
            perRung.merge(t.bracket() + "/" + t.rung(), 1, Integer::sum);
            int expectedEpochs = Hyperband.brackets(Hyperband.Options.of(27)).get(3 - t.bracket()).rungs().get(t.rung()).resource();
            assertEquals(expectedEpochs, o.assignment().resource());
        }
        assertEquals(Map.of("3/0", 27, "3/1", 9, "3/2", 3, "3/3", 1, "2/0", 12, "2/1", 4, "2/2", 1, "1/0", 6, "1/1", 2, "0/0", 4), perRung);
        // the 9 promoted to rung 1 of bracket 3 are the best 9 of its rung 0, same values
        List<Observation> rung0 = obs.stream().filter(o -> o.assignment().tag().startsWith("hb/0/3/0/")).sorted(Comparator.comparingDouble(Observation::value)).toList();
        List<Map<String, Object>> best9 = rung0.subList(0, 9).stream().map(o -> o.assignment().values()).sorted(Comparator.comparing(Object::toString)).toList();
        List<Map<String, Object>> rung1 = obs.stream().filter(o -> o.assignment().tag().startsWith("hb/0/3/1/")).map(o -> o.assignment().values()).sorted(Comparator.comparing(Object::toString)).toList();
        assertEquals(best9, rung1);
        // the next suggestion starts iteration 1
        assertTrue(hb.suggest(1, obs, List.of()).get(0).tag().startsWith("hb/1/3/0/"));
    }

    @Test
    void parallelSlotsGoToTheNextBracketWhileARungWaits() {
        Hyperband hb = new Hyperband(SPACE, 42, Hyperband.Options.of(9));
        // R = 9: brackets s=2 (9@1, 3@3, 1@9), s=1 (5@3, 1@9), s=0 (3@9)
        List<Assignment> first = hb.suggest(12, List.of(), List.of());
        assertEquals(12, first.size());
        assertEquals(9, first.stream().filter(a -> a.tag().startsWith("hb/0/2/0/")).count());
        assertEquals(3, first.stream().filter(a -> a.tag().startsWith("hb/0/1/0/")).count());
        // 8 of bracket 2's rung 0 finish: nothing to promote yet; one more finishing enables 3 promotions
        List<Observation> obs = new ArrayList<>();
        List<Assignment> pending = new ArrayList<>(first);
        for (int i = 0; i < 8; i++) {
            Assignment a = pending.remove(0);
            obs.add(new Observation(a, objective(a)));
        }
        List<Assignment> next = hb.suggest(2, obs, pending);
        assertEquals(List.of("hb/0/1/0/3", "hb/0/1/0/4"), next.stream().map(Assignment::tag).toList());
        pending.addAll(next);
        Assignment ninth = pending.remove(0);
        obs.add(new Observation(ninth, objective(ninth)));
        List<Assignment> promoted = hb.suggest(3, obs, pending);
        assertEquals(3, promoted.size());
        for (Assignment a : promoted) {
            assertTrue(a.tag().startsWith("hb/0/2/1/"), a.tag());
            assertEquals(3, a.resource());
        }
        // deterministic: the same state gives the same suggestions
        assertEquals(promoted, hb.suggest(3, obs, pending));
    }

    @Test
    void failedTrialsAreNeverPromoted() {
        Hyperband hb = new Hyperband(SPACE, 1, Hyperband.Options.of(3));
        // R = 3: bracket s=1 (3@1, 1@3), s=0 (2@3)
        List<Assignment> rung0 = hb.suggest(3, List.of(), List.of());
        List<Observation> obs = List.of(
                Observation.failed(rung0.get(0)),
                new Observation(rung0.get(1), 5.0),
                new Observation(rung0.get(2), 7.0));
        Assignment promoted = hb.suggest(1, obs, List.of()).get(0);
        assertEquals("hb/0/1/1/1", promoted.tag());
        assertEquals(rung0.get(1).values(), promoted.values());
    }
}
