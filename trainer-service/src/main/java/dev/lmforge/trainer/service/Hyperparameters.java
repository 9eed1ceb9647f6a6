package dev.lmforge.trainer.service;

import dev.lmforge.common.errors.LmForgeException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The training job's hyperparameters, passed as SageMaker does: a JSON object of strings. Each has
 * a type, a default and a valid range; anything else is INVALID_ARGUMENT naming the parameter and
 * its range. {@link #TABLE} is the documentation (the README shows its markdownTable(); a test keeps the two equal).
 */
public final class Hyperparameters {

    /** One documented hyperparameter. */
    public record Definition(String name, String type, String defaultValue, String range, String description) {
    }

    /** What is trained: the LSTM or one of the baselines it is compared with. */
    public enum Model {
        LSTM, EMBEDDING_SOFTMAX, KNESER_NEY;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final List<Definition> TABLE = List.of(
            new Definition("model", "enum", "lstm", "lstm, embedding_softmax, kneser_ney",
                    "lstm; embedding_softmax: a neural bigram (the previous token's embedding straight into the softmax; hidden_size and "
                            + "num_layers are ignored); kneser_ney: an interpolated modified Kneser-Ney n-gram model counted in one pass "
                            + "(only data_fraction and ngram_order apply)"),
            new Definition("ngram_order", "int", "5", "[1, 9]", "n of the kneser_ney model (tokens of context + 1); ignored by the others"),
            new Definition("embedding_dim", "int", "200", "[1, 4096]", "size of the token embeddings"),
            new Definition("hidden_size", "int", "200", "[1, 4096]", "LSTM units per layer"),
            new Definition("num_layers", "int", "2", "[1, 8]", "stacked LSTM layers"),
            new Definition("dropout", "float", "0.0", "[0, 0.9]", "dropout on embeddings, between layers and on the output (Zaremba et al.)"),
            new Definition("learning_rate", "float", "1.0 (sgd), 0.001 (adam)", "(0, 100]", "initial learning rate"),
            new Definition("optimizer", "enum", "sgd", "sgd, adam", "plain SGD (the Zaremba schedule) or Adam"),
            new Definition("lr_decay", "float", "0.5", "(0, 1]", "learning rate multiplied by this after each epoch from decay_start_epoch on"),
            new Definition("decay_start_epoch", "int", "4", "[1, 1000]", "first epoch (1-based) after which the learning rate decays"),
            new Definition("batch_size", "int", "20", "[1, 4096]", "parallel streams of the training text"),
            new Definition("bptt", "int", "20", "[1, 1000]", "truncated back-propagation length; the state carries across windows"),
            new Definition("epochs", "int", "4", "[1, 1000]", "passes over the training data"),
            new Definition("max_grad_norm", "float", "5.0", "[0, 1000]", "gradients clipped to this global norm; 0 turns clipping off"),
            new Definition("tie_weights", "bool", "false", "true, false", "share the embedding and output matrices (needs embedding_dim = hidden_size)"),
            new Definition("init_scale", "float", "0.1", "(0, 1]", "weights start uniform in [-init_scale, init_scale]"),
            new Definition("seed", "int", "1", "any 64-bit integer", "seeds initialisation and dropout: a CPU run is reproducible"),
            new Definition("data_fraction", "float", "1.0", "(0, 1]", "train on this leading fraction of the train split (does more data help?)"),
            new Definition("early_stopping_patience", "int", "0", "[0, 1000]", "stop after this many epochs without a better validation loss; 0 turns it off"),
            new Definition("keep_best_epoch", "bool", "false", "true, false",
                    "export the weights of the epoch with the lowest validation loss instead of the last epoch's (Keras' restore_best_weights); "
                            + "the model card's kept_epoch says which"));

    private static final Map<String, Definition> BY_NAME = TABLE.stream()
            .collect(Collectors.toMap(Definition::name, d -> d, (a, b) -> a, LinkedHashMap::new));

    private final Map<String, String> resolved;

    private Hyperparameters(Map<String, String> resolved) {
        this.resolved = resolved;
    }

    /** Parses and validates; every parameter left out takes its default. */
    public static Hyperparameters parse(Map<String, String> given) {
        for (String name : given.keySet()) {
            if (!BY_NAME.containsKey(name)) {
                throw LmForgeException.invalidArgument("unknown hyperparameter '%s'; the trainer takes: %s", name, String.join(", ", BY_NAME.keySet()));
            }
        }
        Map<String, String> r = new TreeMap<>();
        String optimizer = given.getOrDefault("optimizer", "sgd").trim().toLowerCase(Locale.ROOT);
        for (Definition d : TABLE) {
            String value = given.get(d.name());
            if (value == null) {
                value = d.name().equals("learning_rate") ? (optimizer.equals("adam") ? "0.001" : "1.0") : d.defaultValue();
            }
            r.put(d.name(), value.trim());
        }
        Hyperparameters h = new Hyperparameters(r);
        h.validate();
        r.put("model", h.model().id());
        if (h.model() == Model.EMBEDDING_SOFTMAX) {
            // what the model really is: the embedding feeds the softmax
            r.put("num_layers", "0");
            r.put("hidden_size", r.get("embedding_dim"));
        }
        return h;
    }

    private void validate() {
        model();
        intIn("ngram_order", 1, 9);
        intIn("embedding_dim", 1, 4096);
        if (model() != Model.EMBEDDING_SOFTMAX) {
            intIn("hidden_size", 1, 4096);
            intIn("num_layers", 1, 8);
        }
        floatIn("dropout", 0, true, 0.9, true);
        floatIn("learning_rate", 0, false, 100, true);
        optimizer();
        floatIn("lr_decay", 0, false, 1, true);
        intIn("decay_start_epoch", 1, 1000);
        intIn("batch_size", 1, 4096);
        intIn("bptt", 1, 1000);
        intIn("epochs", 1, 1000);
        floatIn("max_grad_norm", 0, true, 1000, true);
        tieWeights();
        floatIn("init_scale", 0, false, 1, true);
        seed();
        floatIn("data_fraction", 0, false, 1, true);
        intIn("early_stopping_patience", 0, 1000);
        keepBestEpoch();
        if (tieWeights() && embeddingDim() != hiddenSize()) {
            throw LmForgeException.invalidArgument("tie_weights needs embedding_dim = hidden_size, got %d and %d", embeddingDim(), hiddenSize());
        }
    }

    private int intIn(String name, int min, int max) {
        String v = resolved.get(name);
        try {
            int x = Integer.parseInt(v);
            if (x >= min && x <= max) {
                return x;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw LmForgeException.invalidArgument("hyperparameter %s must be an integer in [%d, %d], got '%s'", name, min, max, v);
    }

    private double floatIn(String name, double min, boolean minIncluded, double max, boolean maxIncluded) {
        String v = resolved.get(name);
        try {
            double x = Double.parseDouble(v);
            if ((minIncluded ? x >= min : x > min) && (maxIncluded ? x <= max : x < max)) {
                return x;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw LmForgeException.invalidArgument("hyperparameter %s must be a number in %s%s, %s%s, got '%s'", name,
                minIncluded ? "[" : "(", fmt(min), fmt(max), maxIncluded ? "]" : ")", v);
    }

    private static String fmt(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }

    public int embeddingDim() {
        return intIn("embedding_dim", 1, 4096);
    }

    public Model model() {
        String v = resolved.get("model").toLowerCase(Locale.ROOT);
        for (Model m : Model.values()) {
            if (m.id().equals(v)) {
                return m;
            }
        }
        throw LmForgeException.invalidArgument("hyperparameter model must be lstm, embedding_softmax or kneser_ney, got '%s'", resolved.get("model"));
    }

    public int ngramOrder() {
        return intIn("ngram_order", 1, 9);
    }

    /** The width of the softmax input: embedding_dim for embedding_softmax. */
    public int hiddenSize() {
        return model() == Model.EMBEDDING_SOFTMAX ? embeddingDim() : intIn("hidden_size", 1, 4096);
    }

    /** LSTM layers: 0 for embedding_softmax. */
    public int numLayers() {
        return model() == Model.EMBEDDING_SOFTMAX ? 0 : intIn("num_layers", 1, 8);
    }

    public float dropout() {
        return (float) floatIn("dropout", 0, true, 0.9, true);
    }

    public double learningRate() {
        return floatIn("learning_rate", 0, false, 100, true);
    }

    public boolean adam() {
        return optimizer().equals("adam");
    }

    private String optimizer() {
        String v = resolved.get("optimizer").toLowerCase(Locale.ROOT);
        if (!v.equals("sgd") && !v.equals("adam")) {
            throw LmForgeException.invalidArgument("hyperparameter optimizer must be sgd or adam, got '%s'", resolved.get("optimizer"));
        }
        return v;
    }

    public double lrDecay() {
        return floatIn("lr_decay", 0, false, 1, true);
    }

    public int decayStartEpoch() {
        return intIn("decay_start_epoch", 1, 1000);
    }

    public int batchSize() {
        return intIn("batch_size", 1, 4096);
    }

    public int bptt() {
        return intIn("bptt", 1, 1000);
    }

    public int epochs() {
        return intIn("epochs", 1, 1000);
    }

    public float maxGradNorm() {
        return (float) floatIn("max_grad_norm", 0, true, 1000, true);
    }

    public boolean tieWeights() {
        return bool("tie_weights");
    }

    public boolean keepBestEpoch() {
        return bool("keep_best_epoch");
    }

    private boolean bool(String name) {
        String v = resolved.get(name).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw LmForgeException.invalidArgument("hyperparameter %s must be true or false, got '%s'", name, resolved.get(name));
        }
        return v.equals("true");
    }

    public float initScale() {
        return (float) floatIn("init_scale", 0, false, 1, true);
    }

    public long seed() {
        try {
            return Long.parseLong(resolved.get("seed"));
        } catch (NumberFormatException e) {
            throw LmForgeException.invalidArgument("hyperparameter seed must be a 64-bit integer, got '%s'", resolved.get("seed"));
        }
    }

    public double dataFraction() {
        return floatIn("data_fraction", 0, false, 1, true);
    }

    public int earlyStoppingPatience() {
        return intIn("early_stopping_patience", 0, 1000);
    }

    /** Every hyperparameter with its value in force. */
    public Map<String, String> resolved() {
        return Map.copyOf(resolved);
    }

    /** The table as Markdown, for the README. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| name | type | default | valid range | what it does |\n|---|---|---|---|---|\n");
        for (Definition d : TABLE) {
            sb.append(String.format("| `%s` | %s | %s | %s | %s |%n", d.name(), d.type(), d.defaultValue(), d.range(), d.description()));
        }
        return sb.toString();
    }
}
