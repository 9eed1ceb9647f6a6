package dev.lmforge.tuner.study;

import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.DatasetSplit;
import dev.lmforge.api.v1.ParameterImportance;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.Trial;
import dev.lmforge.api.v1.TuningJob;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The answers a study's results give, as numbers and verdicts, before any of them is written down:
 * {@link StudyReport} renders them. Each question's finding is empty when the runs it needs did not
 * complete; nothing is guessed.
 */
public final class StudyFindings {

    static final String REFERENCE = StudyPlan.seedRun(1);
    /** A word-level <unk> rate above this makes the word model's bpc a lower bound worth a caveat in the answer. */
    static final double NOTABLE_OOV_RATE = 0.01;

    private final StudyResults r;
    private final double seedSpread;

    public StudyFindings(StudyResults results) {
        this.r = results;
        this.seedSpread = seedSpread(results);
    }

    public StudyResults results() {
        return r;
    }

    /** Max minus min of the reference's validation bpc over its seeds: the noise of one training run; NaN with fewer than 2. */
    public double seedSpread() {
        return seedSpread;
    }

    /** Whether a difference in bpc exceeds the seed noise; false when the noise is unknown. */
    public boolean beyondNoise(double difference) {
        return !Double.isNaN(seedSpread) && Math.abs(difference) > seedSpread;
    }

    // ---------------------------------------------------------------------------- Q1

    /** Q1: the reference against the model trained on the stop-word-free corpus, on their own and on the original text. */
    public record StopWords(DatasetSplit kept, DatasetSplit removed, double keptBpc, double removedBpc, double bitsPerOriginalChar,
                            long stopwords, long words, double stopwordShare) {
    }

    public Optional<StopWords> stopWords() {
        Dataset kept = r.datasets().get(StudyPlan.WORD);
        Dataset removed = r.datasets().get(StudyPlan.NO_STOPWORDS_WORD);
        OptionalDouble keptBpc = r.bpc(REFERENCE);
        OptionalDouble removedBpc = r.bpc(StudyPlan.NO_STOPWORDS_LSTM);
        if (kept == null || removed == null || keptBpc.isEmpty() || removedBpc.isEmpty() || r.stopwordFree().isEmpty()) {
            return Optional.empty();
        }
        DatasetSplit keptValidation = validation(kept);
        DatasetSplit removedValidation = validation(removed);
        double removedBits = removedBpc.getAsDouble() * removedValidation.getCharacters();
        long words = r.corpus().getStats().getWords();
        long stopwords = r.stopwordFree().get().getStats().getStopwordsRemoved();
        return Optional.of(new StopWords(keptValidation, removedValidation, keptBpc.getAsDouble(), removedBpc.getAsDouble(),
                removedBits / keptValidation.getCharacters(), stopwords, words, words == 0 ? 0 : 100.0 * stopwords / words));
    }

    // ---------------------------------------------------------------------------- Q2

    /** The runs of Q2 by tokenization, in the report's order, and the dataset each trains on. */
    static final Map<String, String> TOKENIZATION_RUNS = orderedMap("word", REFERENCE, "BPE", StudyPlan.BPE_LSTM, "unigram", StudyPlan.UNIGRAM_LSTM);
    static final Map<String, String> TOKENIZATION_DATASETS = Map.of("word", StudyPlan.WORD, "BPE", StudyPlan.BPE, "unigram", StudyPlan.UNIGRAM);

    /** Q2: the tokenization with the lowest bpc, how far each other one is behind it, and the word vocabulary's unknown rate. */
    public record Tokenization(String best, Map<String, Double> behindBest, double wordOovRate) {

        /** The answer's caveat: the word model's bpc is a lower bound when many of its tokens are {@code <unk>}. */
        public boolean wordWinsOnUnknowns() {
            return best.equals("word") && wordOovRate > NOTABLE_OOV_RATE;
        }
    }

    public Optional<Tokenization> tokenization() {
        String best = null;
        for (Map.Entry<String, String> e : TOKENIZATION_RUNS.entrySet()) {
            if (r.datasets().containsKey(TOKENIZATION_DATASETS.get(e.getKey())) && r.bpc(e.getValue()).isPresent()
                    && (best == null || r.bpc(e.getValue()).getAsDouble() < r.bpc(TOKENIZATION_RUNS.get(best)).getAsDouble())) {
                best = e.getKey();
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        double bestBpc = r.bpc(TOKENIZATION_RUNS.get(best)).getAsDouble();
        Map<String, Double> behind = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : TOKENIZATION_RUNS.entrySet()) {
            if (!e.getKey().equals(best) && r.bpc(e.getValue()).isPresent()) {
                behind.put(e.getKey(), r.bpc(e.getValue()).getAsDouble() - bestBpc);
            }
        }
        Dataset word = r.datasets().get(StudyPlan.WORD);
        return Optional.of(new Tokenization(best, behind, word == null ? 0 : validation(word).getUnknownRate()));
    }

    // ---------------------------------------------------------------------------- Q3

    /** Q3: the tuning job's trials that reported the objective, its best and worst, and the parameter that matters most. */
    public record Parameters(TuningJob tuning, List<Trial> scored, Optional<Trial> best, double worst, Optional<ParameterImportance> mostImportant) {
    }

    public Optional<Parameters> parameters() {
        if (r.tuning().isEmpty()) {
            return Optional.empty();
        }
        TuningJob t = r.tuning().get();
        List<Trial> scored = t.getTrialsList().stream().filter(Trial::getHasObjectiveValue).toList();
        Optional<Trial> best = t.hasBestTrial() && t.getBestTrial().getHasObjectiveValue() ? Optional.of(t.getBestTrial()) : Optional.empty();
        return Optional.of(new Parameters(t, scored, best, scored.stream().mapToDouble(Trial::getObjectiveValue).max().orElse(Double.NaN),
                t.getParameterImportanceList().stream().max(Comparator.comparingDouble(ParameterImportance::getImportance))));
    }

    // ---------------------------------------------------------------------------- Q4

    /** One point of the learning curve: a share of the train split and its run. */
    public record DataPoint(String run, double fraction, long trainTokens) {
    }

    /** Q4: the learning curve's fit over log2(train tokens), its prediction for twice the data, and whether the gain is real. */
    public record DataCurve(long trainTokens, LearningCurve curve, double[] tokens, double[] bpc, double doubledBpc) {

        /** bpc lost per doubling of the train text. */
        public double gainPerDoubling() {
            return -curve.slope();
        }
    }

    /** Every share of the train split the study trains on, the reference (all of it) last. */
    public List<DataPoint> dataPoints() {
        long trainTokens = trainTokens();
        List<DataPoint> points = new ArrayList<>();
        for (int percent : StudyPlan.DATA_PERCENTS) {
            points.add(new DataPoint(StudyPlan.dataRun(percent), percent / 100.0, (long) Math.ceil(trainTokens * percent / 100.0)));
        }
        points.add(new DataPoint(REFERENCE, 1.0, trainTokens));
        return points;
    }

    /** The fitted curve; empty with fewer than three completed points or without the reference. */
    public Optional<DataCurve> data() {
        List<double[]> points = new ArrayList<>();
        for (DataPoint p : dataPoints()) {
            r.bpc(p.run()).ifPresent(bpc -> points.add(new double[] {p.trainTokens(), bpc}));
        }
        if (points.size() < 3 || r.bpc(REFERENCE).isEmpty()) {
            return Optional.empty();
        }
        double[] xs = points.stream().mapToDouble(p -> p[0]).toArray();
        double[] ys = points.stream().mapToDouble(p -> p[1]).toArray();
        LearningCurve curve = LearningCurve.fit(xs, ys);
        return Optional.of(new DataCurve(trainTokens(), curve, xs, ys, curve.predict(2.0 * trainTokens())));
    }

    /** Q4's answer: the curve still falls by more than the seed noise per doubling (or the noise is unknown). */
    public boolean moreDataHelps(DataCurve curve) {
        return curve.gainPerDoubling() > 0 && (Double.isNaN(seedSpread) || curve.gainPerDoubling() > seedSpread);
    }

    private long trainTokens() {
        Dataset word = r.datasets().get(StudyPlan.WORD);
        return word == null ? 0 : word.getSplitsOrDefault("train", DatasetSplit.getDefaultInstance()).getTokens();
    }

    // ---------------------------------------------------------------------------- Q5

    static final List<String> LSTM_RUNS = List.of(REFERENCE, StudyPlan.ONE_LAYER);
    static final List<String> BASELINE_RUNS = List.of(StudyPlan.ngramRun(3), StudyPlan.ngramRun(5), StudyPlan.NO_RECURRENCE);

    /** Q5: the best LSTM against the best baseline. {@code gain} is the baseline's bpc minus the LSTM's: positive when the LSTM wins. */
    public record Baselines(String bestLstm, String bestBaseline, double lstmBpc, double baselineBpc, OptionalDouble secondLayer) {

        public double gain() {
            return baselineBpc - lstmBpc;
        }
    }

    public Optional<Baselines> baselines() {
        Optional<String> lstm = lowestBpc(LSTM_RUNS);
        Optional<String> baseline = lowestBpc(BASELINE_RUNS);
        if (lstm.isEmpty() || baseline.isEmpty()) {
            return Optional.empty();
        }
        OptionalDouble second = r.bpc(StudyPlan.ONE_LAYER).isPresent() && r.bpc(REFERENCE).isPresent()
                ? OptionalDouble.of(r.bpc(REFERENCE).getAsDouble() - r.bpc(StudyPlan.ONE_LAYER).getAsDouble())
                : OptionalDouble.empty();
        return Optional.of(new Baselines(lstm.get(), baseline.get(), r.bpc(lstm.get()).getAsDouble(), r.bpc(baseline.get()).getAsDouble(), second));
    }

    /** Whether the best LSTM and the best baseline are within the seed noise of each other. */
    public boolean level(Baselines b) {
        return !Double.isNaN(seedSpread) && Math.abs(b.gain()) <= seedSpread;
    }

    /** A job's last two epochs' validation bpc when the last lowered it by more than the seed noise: it stopped too soon. */
    public Optional<double[]> stillImproving(String runId) {
        TrainingJob j = r.jobs().get(runId);
        if (j == null || j.getEpochsCount() < 2 || Double.isNaN(seedSpread)) {
            return Optional.empty();
        }
        double last = j.getEpochs(j.getEpochsCount() - 1).getValidationBpc();
        double before = j.getEpochs(j.getEpochsCount() - 2).getValidationBpc();
        return before - last > seedSpread ? Optional.of(new double[] {before, last}) : Optional.empty();
    }

    // ---------------------------------------------------------------------------- helpers

    private Optional<String> lowestBpc(List<String> runs) {
        return runs.stream().filter(run -> r.bpc(run).isPresent()).min(Comparator.comparingDouble(run -> r.bpc(run).getAsDouble()));
    }

    private static double seedSpread(StudyResults results) {
        List<Double> values = new ArrayList<>();
        for (int seed = 1; seed <= results.plan().budget().seeds(); seed++) {
            results.bpc(StudyPlan.seedRun(seed)).ifPresent(values::add);
        }
        if (values.size() < 2) {
            return Double.NaN;
        }
        return values.stream().mapToDouble(Double::doubleValue).max().getAsDouble() - values.stream().mapToDouble(Double::doubleValue).min().getAsDouble();
    }

    static DatasetSplit validation(Dataset d) {
        return d.getSplitsOrDefault("validation", DatasetSplit.getDefaultInstance());
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
