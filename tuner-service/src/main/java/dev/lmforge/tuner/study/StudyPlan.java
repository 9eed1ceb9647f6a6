package dev.lmforge.tuner.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runs that answer the five questions, all on one corpus and one vocabulary size. Every
 * training job shares the budget's model unless its question is about the model; the baselines and
 * the learning curve use the word-level dataset, where the data and the model's size are the same.
 */
public record StudyPlan(String study, Budget budget, int vocabulary, List<Run> runs) {

    public static final String CORPUS = "corpus";
    public static final String DATASET = "dataset";
    public static final String TRAINING_JOB = "training_job";
    public static final String TUNING_JOB = "tuning_job";

    /** The stop-word-free copy of the corpus and the four datasets. */
    public static final String NO_STOPWORDS = "nostop";
    public static final String WORD = "word";
    public static final String BPE = "bpe";
    public static final String UNIGRAM = "unigram";
    public static final String NO_STOPWORDS_WORD = "nostop-word";
    public static final String TUNING = "tuning";
    public static final String NO_STOPWORDS_LSTM = "nostop-lstm";
    public static final String BPE_LSTM = "bpe-lstm";
    public static final String UNIGRAM_LSTM = "unigram-lstm";
    public static final String ONE_LAYER = "lstm-1layer";
    public static final String NO_RECURRENCE = "no-recurrence";
    public static final List<Integer> DATA_PERCENTS = List.of(10, 25, 50);
    public static final List<Integer> NGRAM_ORDERS = List.of(3, 5);

    /** One corpus, dataset or job of the study. For jobs, {@code dataset} is the id of the dataset run it trains on. */
    public record Run(String id, String kind, String resource, List<String> questions, String description, String dataset,
            Map<String, String> hyperparameters) {
    }

    public static String seedRun(int seed) {
        return "lstm-s" + seed;
    }

    public static String dataRun(int percent) {
        return "data-" + percent;
    }

    public static String ngramRun(int order) {
        return "kn" + order;
    }

    public static StudyPlan of(String study, Budget budget, long corpusVocabulary) {
        int vocabulary = budget.vocabulary(corpusVocabulary);
        List<Run> runs = new ArrayList<>();
        runs.add(new Run(NO_STOPWORDS, CORPUS, study + "-nostop", List.of("q1"),
                "the corpus's splits again, with the stop words of its language removed", "", Map.of()));
        runs.add(dataset(study, WORD, List.of("q1", "q2", "q3", "q4", "q5"), "word-level, the " + vocabulary + " most frequent words"));
        runs.add(dataset(study, BPE, List.of("q2"), "SentencePiece BPE, " + vocabulary + " pieces"));
        runs.add(dataset(study, UNIGRAM, List.of("q2"), "SentencePiece unigram, " + vocabulary + " pieces"));
        runs.add(dataset(study, NO_STOPWORDS_WORD, List.of("q1"), "word-level on the stop-word-free corpus, " + vocabulary + " words"));
        for (int seed = 1; seed <= budget.seeds(); seed++) {
            runs.add(job(study, seedRun(seed), WORD, List.of("q1", "q2", "q4", "q5"),
                    "the reference: 2-layer LSTM on words, seed " + seed, budget.lstm(seed)));
        }
        runs.add(job(study, NO_STOPWORDS_LSTM, NO_STOPWORDS_WORD, List.of("q1"), "the reference model, stop words removed", budget.lstm(1)));
        runs.add(job(study, BPE_LSTM, BPE, List.of("q2"), "the reference model on BPE pieces", budget.lstm(1)));
        runs.add(job(study, UNIGRAM_LSTM, UNIGRAM, List.of("q2"), "the reference model on unigram pieces", budget.lstm(1)));
        for (int percent : DATA_PERCENTS) {
            Map<String, String> h = budget.lstm(1);
            h.put("data_fraction", Double.toString(percent / 100.0));
            runs.add(job(study, dataRun(percent), WORD, List.of("q4"), "the reference model on " + percent + " % of the train split", h));
        }
        Map<String, String> oneLayer = budget.lstm(1);
        oneLayer.put("num_layers", "1");
        runs.add(job(study, ONE_LAYER, WORD, List.of("q5"), "the reference model with 1 LSTM layer instead of 2", oneLayer));
        // Its softmax reads the embedding directly: as wide as the LSTM's output, so only the recurrence is missing.
        Map<String, String> noRecurrence = budget.lstm(1);
        noRecurrence.remove("num_layers");
        noRecurrence.remove("hidden_size");
        noRecurrence.put("embedding_dim", Integer.toString(budget.hiddenSize()));
        noRecurrence.put("model", "embedding_softmax");
        runs.add(job(study, NO_RECURRENCE, WORD, List.of("q5"), "no recurrence: the previous token's embedding straight into the softmax",
                noRecurrence));
        for (int order : NGRAM_ORDERS) {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("model", "kneser_ney");
            h.put("ngram_order", Integer.toString(order));
            runs.add(job(study, ngramRun(order), WORD, List.of("q5"), "interpolated modified Kneser-Ney " + order + "-gram", h));
        }
        runs.add(new Run(TUNING, TUNING_JOB, study + "-tuning", List.of("q3"), "Bayesian optimisation of learning_rate, hidden_size and dropout, "
                + budget.tuningTrials() + " trials of " + budget.tuningEpochs() + " epoch(s)", WORD, budget.lstm(1)));
        return new StudyPlan(study, budget, vocabulary, List.copyOf(runs));
    }

    private static Run dataset(String study, String id, List<String> questions, String description) {
        return new Run(id, DATASET, study + "-" + id, questions, description, "", Map.of());
    }

    private static Run job(String study, String id, String dataset, List<String> questions, String description, Map<String, String> h) {
        return new Run(id, TRAINING_JOB, study + "-" + id, questions, description, dataset, Map.copyOf(h));
    }

    public Run run(String id) {
        return runs.stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no run " + id + " in study " + study));
    }

    public List<Run> ofKind(String kind) {
        return runs.stream().filter(r -> r.kind().equals(kind)).toList();
    }
}
