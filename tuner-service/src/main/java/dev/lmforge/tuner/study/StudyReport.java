package dev.lmforge.tuner.study;

import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.DatasetSplit;
import dev.lmforge.api.v1.ParameterImportance;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.Trial;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.common.metrics.MetricNames;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The study's report, rendered from its {@link StudyFindings}: a Markdown file with the five answers
 * and their evidence, and PNG pictures. Every number is a link to the job that produced it, listed at
 * the end with what it takes to run it again; a number whose job did not complete is shown as
 * missing, never guessed.
 */
public final class StudyReport {

    public static final String MARKDOWN = "report.md";
    static final String REFERENCE = StudyFindings.REFERENCE;

    private final StudyFindings findings;
    private final StudyResults r;
    private final StudyPlan plan;
    private final Map<String, byte[]> pictures = new LinkedHashMap<>();
    private final List<String[]> summary = new ArrayList<>();
    private final StringBuilder md = new StringBuilder();
    private final double seedSpread;

    public StudyReport(StudyResults results) {
        this.findings = new StudyFindings(results);
        this.r = results;
        this.plan = results.plan();
        this.seedSpread = findings.seedSpread();
        write();
    }

    /** report.md first, then the pictures it shows. */
    public Map<String, byte[]> files() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(MARKDOWN, md.toString().getBytes(StandardCharsets.UTF_8));
        files.putAll(pictures);
        return files;
    }

    public String markdown() {
        return md.toString();
    }

    /** The summary table alone. */
    public String summary() {
        StringBuilder sb = new StringBuilder("| question | answer | evidence |\n|---|---|---|\n");
        for (String[] row : summary) {
            sb.append("| ").append(row[0]).append(" | ").append(row[1]).append(" | ").append(row[2]).append(" |\n");
        }
        return sb.toString();
    }

    private void write() {
        Budget b = plan.budget();
        Dataset word = r.datasets().get(StudyPlan.WORD);
        md.append("# Study ").append(plan.study()).append(": corpus ").append(r.corpus().getCorpusId()).append("\n\n");
        md.append(String.format(Locale.ROOT, "Budget **%s**. Unless its question is about the model, every model is the reference: a 2-layer LSTM "
                + "(embedding %d, hidden %d) trained %d epochs with Adam at learning rate %s, dropout %s. Every tokenizer has the same "
                + "vocabulary size, %,d, so models differ only where the question says.%n%n", b.name(), b.embeddingDim(), b.hiddenSize(),
                b.epochs(), b.learningRate(), b.dropout(), plan.vocabulary()));
        md.append(String.format(Locale.ROOT, "All numbers are measured on the corpus's validation split%s. **Bits per character (bpc)** is the "
                + "measure that compares any two models of the same text: the bits a model needs to encode the validation text, divided by "
                + "its characters (line ends included). Perplexity is per token, so it compares models only when their tokens are the same; "
                + "it is shown labelled as such. Each number links to the job that produced it; the [jobs](#jobs) are listed at the end with "
                + "the command that runs each again.%n%n",
                word == null ? "" : String.format(Locale.ROOT, " (%,d characters, %,d lines)", StudyFindings.validation(word).getCharacters(),
                        StudyFindings.validation(word).getLines())));
        md.append(uncertainty()).append("\n\n");
        String q1 = stopWords();
        String q2 = tokenization();
        String q3 = parameters();
        String q4 = data();
        String q5 = baselines();
        md.append("## Summary\n\n").append(summary()).append('\n');
        md.append(q1).append(q2).append(q3).append(q4).append(q5);
        jobs();
    }

    // ---------------------------------------------------------------------------- uncertainty

    private String uncertainty() {
        StringBuilder sb = new StringBuilder("**Uncertainty.** The reference model was trained with ").append(plan.budget().seeds()).append(" seeds: ");
        List<String> parts = new ArrayList<>();
        for (int seed = 1; seed <= plan.budget().seeds(); seed++) {
            parts.add(bpcLink(StudyPlan.seedRun(seed)));
        }
        sb.append(String.join(", ", parts)).append(" bpc. ");
        if (Double.isNaN(seedSpread)) {
            return sb.append("Too few of them completed to measure the seed noise.").toString();
        }
        return sb.append(String.format(Locale.ROOT, "Their spread, %.4f bpc, is the noise of one training run: a difference smaller than that "
                + "is not evidence of anything. Every other model was trained once, with seed 1, and is compared with the seed-1 reference.",
                seedSpread)).toString();
    }

    private String verdict(double difference) {
        if (Double.isNaN(seedSpread)) {
            return "seed noise unknown";
        }
        return findings.beyondNoise(difference)
                ? String.format(Locale.ROOT, "larger than the seed spread %.4f", seedSpread)
                : String.format(Locale.ROOT, "within the seed spread %.4f: not a real difference at this budget", seedSpread);
    }

    // ---------------------------------------------------------------------------- Q1

    private String stopWords() {
        StringBuilder s = new StringBuilder("## Q1. Should stop words come out of the corpus?\n\n");
        Optional<StudyFindings.StopWords> finding = findings.stopWords();
        if (finding.isEmpty()) {
            summary.add(new String[] {"Q1 stop words", "not answered", missing(StudyPlan.NO_STOPWORDS_LSTM)});
            return s.append("Not answered: ").append(missing(StudyPlan.NO_STOPWORDS_LSTM)).append("\n\n").toString();
        }
        StudyFindings.StopWords f = finding.get();
        long keptChars = f.kept().getCharacters();
        long removedChars = f.removed().getCharacters();
        double perOriginalChar = f.bitsPerOriginalChar();
        long words = f.words();
        long stopwords = f.stopwords();
        double share = f.stopwordShare();
        s.append("| | stop words kept | stop words removed |\n|---|---|---|\n");
        s.append(String.format(Locale.ROOT, "| training job | [%s](#%s) | [%s](#%s) |%n", job(REFERENCE), anchor(REFERENCE),
                job(StudyPlan.NO_STOPWORDS_LSTM), anchor(StudyPlan.NO_STOPWORDS_LSTM)));
        s.append(String.format(Locale.ROOT, "| validation characters | %,d | %,d |%n", keptChars, removedChars));
        s.append(String.format(Locale.ROOT, "| validation tokens | %,d | %,d |%n", f.kept().getTokens(), f.removed().getTokens()));
        s.append(String.format(Locale.ROOT, "| bpc of its own validation text | %s | %s |%n", bpcLink(REFERENCE), bpcLink(StudyPlan.NO_STOPWORDS_LSTM)));
        s.append(String.format(Locale.ROOT, "| bits per character of the original validation text | %s | %s (lower bound: the stop words are not encoded) |%n",
                bpcLink(REFERENCE), link(StudyPlan.NO_STOPWORDS_LSTM, perOriginalChar, "%.4f")));
        s.append(String.format(Locale.ROOT, "| perplexity per token (not comparable: other tokens) | %s | %s |%n%n",
                link(REFERENCE, r.metric(REFERENCE, MetricNames.VALIDATION_PERPLEXITY).orElse(Double.NaN), "%.1f"),
                link(StudyPlan.NO_STOPWORDS_LSTM, r.metric(StudyPlan.NO_STOPWORDS_LSTM, MetricNames.VALIDATION_PERPLEXITY).orElse(Double.NaN), "%.1f")));
        s.append(String.format(Locale.ROOT, "Removing stop words took out %,d words, %.1f %% of the corpus's %,d, and %.1f %% of the validation "
                + "characters. **The two bpc numbers are not directly comparable: each model predicts a different text.** The model without "
                + "stop words never has to predict \"the\", \"of\" or \"and\", the easiest words there are, so it spends fewer bits in total; "
                + "per remaining token it is less sure (its perplexity rises), because content words are harder to predict. Neither number "
                + "says it models language better.%n%n", stopwords, share, words, 100.0 * (keptChars - removedChars) / Math.max(1, keptChars)));
        s.append("**The fair comparison is on the same target text.** If the task needs the original text — generation, scoring or "
                + "completing real sentences — only the model that kept the stop words can produce it: the other gives it no probability at "
                + "all (its vocabulary lacks the stop words), so its cost on the original text is unbounded, and the 'bits per original "
                + "character' row above is only a lower bound that leaves the stop words out. If the task only ever sees content words "
                + "(topic features, keyword search), compare models on the stop-word-free text instead.\n\n");
        summary.add(new String[] {"Q1 stop words", "**Keep them** for a language model: removing them changes the text to predict; the model "
                + "that removes them cannot produce or score real sentences",
                String.format(Locale.ROOT, "bpc %s kept vs %s removed (own text, not comparable); %.1f %% of words are stop words",
                        bpcLink(REFERENCE), bpcLink(StudyPlan.NO_STOPWORDS_LSTM), share)});
        return s.toString();
    }

    // ---------------------------------------------------------------------------- Q2

    private String tokenization() {
        StringBuilder s = new StringBuilder("## Q2. Word or subword tokens?\n\n");
        Map<String, String> runs = StudyFindings.TOKENIZATION_RUNS;
        Map<String, String> datasets = StudyFindings.TOKENIZATION_DATASETS;
        s.append("| tokens | training job | dataset | validation tokens | tokens per character | out-of-vocabulary rate | parameters | "
                + "perplexity per token (not comparable) | **bpc** |\n|---|---|---|---|---|---|---|---|---|\n");
        Map<String, Double> chart = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : runs.entrySet()) {
            String run = e.getValue();
            Dataset d = r.datasets().get(datasets.get(e.getKey()));
            if (d == null) {
                s.append("| ").append(e.getKey()).append(" | ").append(missing(run)).append(" | | | | | | | |\n");
                continue;
            }
            DatasetSplit v = StudyFindings.validation(d);
            s.append(String.format(Locale.ROOT, "| %s | [%s](#%s) | %s | %,d | %.3f | %s | %s | %s | %s |%n", e.getKey(), job(run), anchor(run),
                    d.getDatasetId(), v.getTokens(), (double) v.getTokens() / Math.max(1, v.getCharacters()),
                    e.getKey().equals("word") ? String.format(Locale.ROOT, "%.2f %% (%,d tokens are <unk>)", 100 * v.getUnknownRate(), v.getUnknownTokens())
                            : String.format(Locale.ROOT, "%.2f %% (byte fallback)", 100 * v.getUnknownRate()),
                    parameters(run), link(run, r.metric(run, MetricNames.VALIDATION_PERPLEXITY).orElse(Double.NaN), "%.1f"), bpcLink(run)));
            r.bpc(run).ifPresent(bpc -> chart.put(e.getKey(), bpc));
        }
        if (!chart.isEmpty()) {
            pictures.put("q2-tokenization.png", ReportCharts.bars("Validation bits per character by tokenization", "bpc", chart));
            s.append("\n![bits per character by tokenization](q2-tokenization.png)\n\n");
        }
        Optional<StudyFindings.Tokenization> finding = findings.tokenization();
        if (finding.isEmpty()) {
            summary.add(new String[] {"Q2 tokens", "not answered", missing(REFERENCE)});
            return s.append("Not answered: no tokenization's model completed.\n\n").toString();
        }
        String best = finding.get().best();
        String bestRun = runs.get(best);
        List<String> others = new ArrayList<>();
        finding.get().behindBest().forEach((tokens, d) -> others.add(String.format(Locale.ROOT, "%s by %.4f bpc (%s)", tokens, d, verdict(d))));
        double oov = finding.get().wordOovRate();
        s.append(String.format(Locale.ROOT, "**%s tokens give the lowest bits per character**, %s; they beat %s. The models have the same "
                + "architecture and vocabulary size, so the same number of parameters; only the unit of prediction differs.%n%n",
                best, bpcLink(bestRun), others.isEmpty() ? "nothing else that completed" : String.join(" and ", others)));
        s.append(String.format(Locale.ROOT, "A caution in the word model's favour: %.2f %% of its validation tokens are `<unk>`. Predicting "
                + "`<unk>` costs a few bits, but spelling out which word it stands for would cost many more, so its bpc is a lower bound "
                + "on the true cost of the text; the subword models, with byte fallback, encode every character and pay in full. "
                + "Subwords also cope with words never seen in training (names, typos, other languages), which a word vocabulary cannot.%n%n",
                100 * oov));
        String answer = finding.get().wordWinsOnUnknowns()
                ? String.format(Locale.ROOT, "**word** by bpc, but %.1f %% of its tokens are `<unk>`, so its bpc is a lower bound: prefer "
                        + "subwords when unseen words matter", 100 * oov)
                : String.format(Locale.ROOT, "**%s** (lowest bpc at equal model size)", best);
        summary.add(new String[] {"Q2 tokens", answer,
                String.format(Locale.ROOT, "bpc word %s, BPE %s, unigram %s; word OOV rate %.2f %%", bpcLink(REFERENCE),
                        bpcLink(StudyPlan.BPE_LSTM), bpcLink(StudyPlan.UNIGRAM_LSTM), 100 * oov)});
        return s.toString();
    }

    // ---------------------------------------------------------------------------- Q3

    private String parameters() {
        StringBuilder s = new StringBuilder("## Q3. Which parameters can I tweak, and which matter?\n\n");
        s.append("Every hyperparameter a training job takes is listed, with its range, in the README's Hyperparameters table. This study "
                + "tuned the three that usually matter most for an LSTM: the learning rate, the hidden size and dropout.\n\n");
        StudyPlan.Run run = plan.run(StudyPlan.TUNING);
        Optional<StudyFindings.Parameters> finding = findings.parameters();
        if (finding.isEmpty()) {
            summary.add(new String[] {"Q3 parameters", "not answered", "tuning job " + run.resource() + " did not end"});
            return s.append("Not answered: the tuning job did not end.\n\n").toString();
        }
        TuningJob t = finding.get().tuning();
        List<Trial> done = finding.get().scored();
        s.append(String.format(Locale.ROOT, "Tuning job [%s](#trials): Bayesian optimisation, %d trials of %d epoch(s) on %s, objective "
                + "validation bpc; %d trials reported it.%n%n", t.getSpec().getTuningJobName(), t.getSpec().getMaxJobs(),
                plan.budget().tuningEpochs(), t.getSpec().getDatasetId(), done.size()));
        List<String> tuned = List.of("learning_rate", "hidden_size", "dropout");
        if (t.getParameterImportanceCount() > 0) {
            List<ParameterImportance> importance = t.getParameterImportanceList().stream()
                    .sorted(Comparator.comparingDouble(ParameterImportance::getImportance).reversed()).toList();
            s.append("| parameter | importance (share of explained variance) |\n|---|---|\n");
            Map<String, Double> chart = new LinkedHashMap<>();
            for (ParameterImportance p : importance) {
                s.append(String.format(Locale.ROOT, "| %s | [%.2f](#trials) |%n", p.getName(), p.getImportance()));
                chart.put(p.getName(), p.getImportance());
            }
            s.append(String.format(Locale.ROOT, "%nMethod: %s.%n%n", t.getImportanceMethod()));
            pictures.put("q3-importance.png", ReportCharts.bars("Parameter importance", "share of variance", chart));
            s.append("![parameter importance](q3-importance.png)\n\n");
        }
        for (String p : tuned) {
            double[] xs = done.stream().mapToDouble(tr -> Double.parseDouble(tr.getHyperparametersOrDefault(p, "NaN"))).toArray();
            double[] ys = done.stream().mapToDouble(Trial::getObjectiveValue).toArray();
            if (xs.length > 0) {
                String file = "q3-" + p.replace('_', '-') + ".png";
                pictures.put(file, ReportCharts.xy("Validation bpc against " + p, p, "validation bpc", !p.equals("dropout"),
                        Map.of("points: trials", new double[][] {xs, ys})));
                s.append("![validation bpc against ").append(p).append("](").append(file).append(")\n");
            }
        }
        s.append('\n');
        String answer;
        String evidence;
        if (finding.get().best().isPresent()) {
            Trial best = finding.get().best().get();
            double worst = finding.get().worst();
            String top = finding.get().mostImportant()
                    .map(p -> String.format(Locale.ROOT, "`%s` matters most (%.0f %% of the explained variance)", p.getName(), 100 * p.getImportance()))
                    .orElse("too few trials to rank the parameters");
            s.append(String.format(Locale.ROOT, "**%s.** The best trial, [%s](#%s), reached %s bpc with learning_rate %s, hidden_size %s, dropout %s; "
                    + "the worst reached [%.4f](#trials): the spread the tuned parameters make at this budget. With only %d trials the "
                    + "importance is a rough estimate; a larger budget runs more.%n%n", top, best.getTrainingJobName(),
                    trialAnchor(best.getTrainingJobName()), String.format(Locale.ROOT, "[%.4f](#%s)", best.getObjectiveValue(), trialAnchor(best.getTrainingJobName())),
                    value(best.getHyperparametersOrDefault("learning_rate", "?")), value(best.getHyperparametersOrDefault("hidden_size", "?")),
                    value(best.getHyperparametersOrDefault("dropout", "?")), worst, done.size()));
            answer = top;
            evidence = String.format(Locale.ROOT, "best trial [%.4f](#%s) bpc, worst [%.4f](#trials), %d trials", best.getObjectiveValue(),
                    trialAnchor(best.getTrainingJobName()), worst, done.size());
        } else {
            answer = "not answered";
            evidence = "no trial reported its objective";
        }
        summary.add(new String[] {"Q3 parameters", answer, evidence});
        return s.toString();
    }

    // ---------------------------------------------------------------------------- Q4

    private String data() {
        StringBuilder s = new StringBuilder("## Q4. Will more training data help?\n\n");
        s.append("| share of the train split | train tokens | training job | validation bpc |\n|---|---|---|---|\n");
        for (StudyFindings.DataPoint p : findings.dataPoints()) {
            s.append(String.format(Locale.ROOT, "| %.0f %% | %,d | [%s](#%s) | %s |%n", 100 * p.fraction(), p.trainTokens(), job(p.run()),
                    anchor(p.run()), bpcLink(p.run())));
        }
        s.append('\n');
        Optional<StudyFindings.DataCurve> finding = findings.data();
        if (finding.isEmpty()) {
            summary.add(new String[] {"Q4 data", "not answered", "fewer than 3 points of the learning curve completed"});
            return s.append("Not answered: fewer than 3 points of the learning curve completed.\n\n").toString();
        }
        StudyFindings.DataCurve f = finding.get();
        double[] xs = f.tokens();
        double[] ys = f.bpc();
        LearningCurve curve = f.curve();
        long trainTokens = f.trainTokens();
        double doubled = f.doubledBpc();
        double gain = f.gainPerDoubling();
        double[] fitX = {xs[0], 2.0 * trainTokens};
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("points: measured", new double[][] {xs, ys});
        series.put("fitted trend", new double[][] {fitX, {curve.predict(fitX[0]), curve.predict(fitX[1])}});
        series.put("points: doubled data (extrapolated)", new double[][] {{2.0 * trainTokens}, {doubled}});
        pictures.put("q4-learning-curve.png", ReportCharts.xy("Learning curve", "train tokens (log scale)", "validation bpc", true, series));
        s.append("![learning curve](q4-learning-curve.png)\n\n");
        String se = Double.isNaN(curve.slopeStandardError()) ? "" : String.format(Locale.ROOT, " ± %.4f (standard error of the fit)", curve.slopeStandardError());
        boolean helps = findings.moreDataHelps(f);
        s.append(String.format(Locale.ROOT, "Fitted trend: bpc = %.4f %+.4f × log2(train tokens). **Each doubling of the training text lowers "
                + "bpc by %.4f%s**; doubling this corpus's %,d train tokens is predicted to reach %.4f bpc, from %s now. ", curve.intercept(),
                curve.slope(), gain, se, trainTokens, doubled, bpcLink(REFERENCE)));
        s.append("The line through log2(tokens) is the local form of the power law learning curves follow; it is fitted over a tenfold "
                + "range, so one doubling beyond it is a modest extrapolation, and gains shrink as the curve flattens. Every point trains the "
                + "same number of epochs, so smaller shares also get fewer updates — which is what using less data means in practice.\n\n");
        summary.add(new String[] {"Q4 data", helps ? "**Yes**: the learning curve is still falling" : "**Little**: the gain per doubling is within noise",
                String.format(Locale.ROOT, "%.4f bpc per doubling%s; 2× data → %.4f bpc (now %s)", gain, se, doubled, bpcLink(REFERENCE))});
        return s.toString();
    }

    // ---------------------------------------------------------------------------- Q5

    private String baselines() {
        StringBuilder s = new StringBuilder("## Q5. What does the LSTM add?\n\n");
        Map<String, String> runs = new LinkedHashMap<>();
        for (int order : StudyPlan.NGRAM_ORDERS) {
            runs.put(String.format(Locale.ROOT, "Kneser-Ney %d-gram (interpolated, counts)", order), StudyPlan.ngramRun(order));
        }
        runs.put("no recurrence: embedding → softmax over the previous token", StudyPlan.NO_RECURRENCE);
        runs.put("LSTM, 1 layer", StudyPlan.ONE_LAYER);
        runs.put("LSTM, 2 layers (the reference)", REFERENCE);
        s.append("All on the word-level dataset, so perplexity compares too.\n\n| model | training job | parameters (n-grams for Kneser-Ney) | perplexity | **bpc** |\n|---|---|---|---|---|\n");
        Map<String, Double> chart = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : runs.entrySet()) {
            String run = e.getValue();
            s.append(String.format(Locale.ROOT, "| %s | [%s](#%s) | %s | %s | %s |%n", e.getKey(), job(run), anchor(run), parameters(run),
                    link(run, r.metric(run, MetricNames.VALIDATION_PERPLEXITY).orElse(Double.NaN), "%.1f"), bpcLink(run)));
            r.bpc(run).ifPresent(v -> chart.put(run, v));
        }
        if (!chart.isEmpty()) {
            pictures.put("q5-baselines.png", ReportCharts.bars("Validation bits per character by model", "bpc", chart));
            s.append("\n![bits per character by model](q5-baselines.png)\n\n");
        }
        Optional<StudyFindings.Baselines> finding = findings.baselines();
        if (finding.isEmpty()) {
            boolean noLstm = StudyFindings.LSTM_RUNS.stream().noneMatch(run -> r.bpc(run).isPresent());
            summary.add(new String[] {"Q5 the LSTM", "not answered", missing(noLstm ? REFERENCE : StudyPlan.ngramRun(5))});
            return s.append("Not answered: every LSTM or every baseline failed.\n\n").toString();
        }
        StudyFindings.Baselines f = finding.get();
        String bestLstm = f.bestLstm();
        String bestBaseline = f.bestBaseline();
        double base = f.baselineBpc();
        double lstm = f.lstmBpc();
        double gain = f.gain();
        String lstmName = bestLstm.equals(REFERENCE) ? "the 2-layer LSTM" : "the 1-layer LSTM";
        boolean level = findings.level(f);
        String answer;
        if (level) {
            answer = String.format(Locale.ROOT, "**Nothing yet at this budget**: %s and %s are level", lstmName, job(bestBaseline));
            s.append(String.format(Locale.ROOT, "**At this budget the best LSTM, %s (%s bpc), and the best baseline, %s (%s bpc), are level**: "
                    + "%.4f bpc apart, %s. ", lstmName, bpcLink(bestLstm), job(bestBaseline), bpcLink(bestBaseline), Math.abs(gain), verdict(gain)));
        } else if (gain > 0) {
            answer = String.format(Locale.ROOT, "**%.1f %% fewer bits** than the best baseline (%s)", 100 * gain / base, job(bestBaseline));
            s.append(String.format(Locale.ROOT, "**The best LSTM, %s, needs %s bpc against %s for the best baseline (%s): %.4f bpc, %.1f %% "
                    + "fewer bits**, %s. ", lstmName, bpcLink(bestLstm), bpcLink(bestBaseline), job(bestBaseline), gain, 100 * gain / base, verdict(gain)));
        } else {
            answer = String.format(Locale.ROOT, "**Nothing yet at this budget**: %s beats the best LSTM by %.1f %%", job(bestBaseline), -100 * gain / lstm);
            s.append(String.format(Locale.ROOT, "**At this budget the best baseline, %s (%s bpc), beats the best LSTM, %s (%s bpc), by %.4f bpc**, "
                    + "%s. ", job(bestBaseline), bpcLink(bestBaseline), lstmName, bpcLink(bestLstm), -gain, verdict(gain)));
        }
        s.append("The n-gram models see at most the previous few words; the model without recurrence sees one; the LSTM carries a state "
                + "through the whole text. ");
        f.secondLayer().ifPresent(second ->
                s.append(String.format(Locale.ROOT, "A second layer changes bpc by %+.4f against one layer (%s). ", second, verdict(second))));
        findings.stillImproving(REFERENCE).ifPresent(epochs -> s.append(String.format(Locale.ROOT, "The reference was still improving "
                + "when it stopped (its last epoch lowered validation bpc from %.4f to %.4f), so more epochs would lower its number. ",
                epochs[0], epochs[1])));
        s.append("A Kneser-Ney model is a strong baseline on a small corpus; the LSTM's advantage grows with more data, more epochs and "
                + "larger models (the larger budgets).\n\n");
        summary.add(new String[] {"Q5 the LSTM", answer, String.format(Locale.ROOT, "LSTM 2 layers %s, 1 layer %s; Kneser-Ney 5-gram %s, "
                + "no recurrence %s", bpcLink(REFERENCE), bpcLink(StudyPlan.ONE_LAYER), bpcLink(StudyPlan.ngramRun(5)), bpcLink(StudyPlan.NO_RECURRENCE))});
        return s.toString();
    }

    // ---------------------------------------------------------------------------- jobs

    private void jobs() {
        md.append("## Jobs\n\nEvery job the study ran, with what it takes to run it again (under a new name).\n\n");
        md.append("| run | job | dataset | status | validation bpc | hyperparameters | again |\n|---|---|---|---|---|---|---|\n");
        for (StudyPlan.Run run : plan.ofKind(StudyPlan.TRAINING_JOB)) {
            TrainingJob j = r.jobs().get(run.id());
            String dataset = plan.run(run.dataset()).resource();
            String hp = new TreeMap<>(run.hyperparameters()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
            String again = "`./lmforge train --dataset " + dataset + " --name NEW-NAME "
                    + new TreeMap<>(run.hyperparameters()).entrySet().stream().map(e -> "--hp " + e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")) + "`";
            md.append(String.format(Locale.ROOT, "| <a id=\"%s\"></a>%s | %s | %s | %s | %s | %s | %s |%n", anchor(run.id()), run.id(), run.resource(), dataset,
                    j == null ? "did not complete" : "Completed", r.bpc(run.id()).isPresent() ? String.format(Locale.ROOT, "%.4f", r.bpc(run.id()).getAsDouble()) : "—",
                    hp, again));
        }
        md.append("\n<a id=\"trials\"></a>Tuning job ").append(plan.run(StudyPlan.TUNING).resource())
                .append(" (`./lmforge tune describe ").append(plan.run(StudyPlan.TUNING).resource()).append("`), its trials:\n\n");
        md.append("| trial | status | learning_rate | hidden_size | dropout | validation bpc |\n|---|---|---|---|---|---|\n");
        r.tuning().ifPresent(t -> t.getTrialsList().forEach(tr -> md.append(String.format(Locale.ROOT, "| <a id=\"%s\"></a>%s | %s | %s | %s | %s | %s |%n",
                trialAnchor(tr.getTrainingJobName()), tr.getTrainingJobName(), tr.getStatus().name().replace("JOB_STATUS_", "").toLowerCase(Locale.ROOT),
                value(tr.getHyperparametersOrDefault("learning_rate", "")), value(tr.getHyperparametersOrDefault("hidden_size", "")),
                value(tr.getHyperparametersOrDefault("dropout", "")), tr.getHasObjectiveValue() ? String.format(Locale.ROOT, "%.4f", tr.getObjectiveValue()) : "—"))));
        md.append("\nDatasets: ");
        List<String> ds = new ArrayList<>();
        for (StudyPlan.Run run : plan.ofKind(StudyPlan.DATASET)) {
            ds.add(run.resource() + " (" + run.description() + (r.datasets().containsKey(run.id()) ? "" : ", not built") + ")");
        }
        md.append(String.join("; ", ds)).append(". Stop-word-free corpus: ").append(plan.run(StudyPlan.NO_STOPWORDS).resource()).append(".\n");
    }

    // ---------------------------------------------------------------------------- helpers

    static String anchor(String runId) {
        return "run-" + runId;
    }

    static String trialAnchor(String trainingJobName) {
        return "trial-" + trainingJobName;
    }

    private String job(String runId) {
        return plan.run(runId).resource();
    }

    private String bpcLink(String runId) {
        return link(runId, r.bpc(runId).orElse(Double.NaN), "%.4f");
    }

    private String link(String runId, double value, String format) {
        if (Double.isNaN(value) || !r.jobs().containsKey(runId)) {
            return "— ([" + runId + "](#" + anchor(runId) + ") did not complete)";
        }
        return "[" + String.format(Locale.ROOT, format, value) + "](#" + anchor(runId) + ")";
    }

    private String parameters(String runId) {
        Long p = r.parameters().get(runId);
        return p == null ? "—" : String.format(Locale.ROOT, "%,d", p);
    }

    private String missing(String runId) {
        return "job " + plan.run(runId).resource() + " did not complete";
    }

    /** A hyperparameter value as a person reads it: numbers to 3 significant digits. */
    static String value(String v) {
        try {
            double x = Double.parseDouble(v);
            return x == Math.rint(x) && Math.abs(x) < 1e9 && !v.contains(".") ? Long.toString((long) x)
                    : new BigDecimal(x).round(new MathContext(3)).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return v;
        }
    }
}
