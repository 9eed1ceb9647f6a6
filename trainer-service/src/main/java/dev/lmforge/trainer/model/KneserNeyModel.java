package dev.lmforge.trainer.model;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;

import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.Locale;

/**
 * An interpolated modified Kneser-Ney n-gram model (Chen &amp; Goodman 1999) of token ids, in plain
 * Java: the baseline a study compares the LSTM with.
 *
 * <p>The highest order uses raw counts, each lower order continuation counts (the number of distinct
 * tokens seen before the n-gram). Each order k has three discounts D1, D2, D3+ from its
 * counts-of-counts n1..n4: {@code Y = n1 / (n1 + 2 n2)}, {@code Dr = r − (r + 1) Y n(r+1) / n(r)}.
 * With c the order's count and N1, N2, N3+ the numbers of tokens seen once, twice, 3+ times after
 * the context h:
 * <pre>
 *   p_k(w | h) = (max(c(h w) − D(c(h w)), 0) + (D1 N1(h) + D2 N2(h) + D3 N3+(h)) · p_{k−1}(w | h')) / Σ_v c(h v)
 * </pre>
 * down to {@code p_0 = 1 / vocabSize}, so every token has a non-zero probability. A context never
 * seen at order k leaves p_{k−1} as it is. The token stream runs across line ends (an eos token
 * after each line), as the LSTM sees it.
 *
 * <p>An n-gram is stored as a path in a trie: its id at order k is a dense int, and its key is
 * {@code (id of its first k − 1 tokens) · vocabSize + last token}, which always fits in 63 bits.
 */
public final class KneserNeyModel {

    /** Keeps some mass for the lower orders in every seen context, also where the estimate degenerates (tiny corpora). */
    private static final double MIN_DISCOUNT = 0.01;
    /** No such n-gram. */
    private static final int MISSING = -1;

    private final int vocabSize;
    private final Order[] orders;

    /** The n-grams of one length k, and the statistics of their (k − 1)-token contexts. */
    private static final class Order {
        /** The id of each n-gram, by {@code key(prefix id, word)}; {@link #MISSING} when absent. */
        final Long2IntOpenHashMap ids = new Long2IntOpenHashMap();

        Order() {
            ids.defaultReturnValue(MISSING);
        }
        int size;
        int[] prefix = new int[16];
        int[] word = new int[16];
        int[] count = new int[16];
        // by context id (the id of the first k − 1 tokens; 0 for k = 1)
        int[] total;
        int[] n1;
        int[] n2;
        int[] n3;
        double d1;
        double d2;
        double d3;

        int add(int prefixId, int w, long key) {
            int found = ids.putIfAbsent(key, size);
            if (found != MISSING) {
                return found;
            }
            if (size == prefix.length) {
                prefix = Arrays.copyOf(prefix, size * 2);
                word = Arrays.copyOf(word, size * 2);
                count = Arrays.copyOf(count, size * 2);
            }
            prefix[size] = prefixId;
            word[size] = w;
            return size++;
        }

        double discount(int c) {
            return c == 0 ? 0 : c == 1 ? d1 : c == 2 ? d2 : d3;
        }
    }

    private KneserNeyModel(int vocabSize, int order) {
        this.vocabSize = vocabSize;
        this.orders = new Order[order];
        for (int k = 0; k < order; k++) {
            orders[k] = new Order();
        }
    }

    /** Counts every n-gram of {@code tokens} up to length {@code order} in one pass, then derives the lower orders and discounts. */
    public static KneserNeyModel fit(int[] tokens, int vocabSize, int order) {
        if (order < 1 || vocabSize < 1) {
            throw new IllegalArgumentException("order and vocabSize must be positive, got " + order + " and " + vocabSize);
        }
        KneserNeyModel model = new KneserNeyModel(vocabSize, order);
        for (int i = 0; i < tokens.length; i++) {
            int id = 0;
            for (int k = 0; k < order && i + k < tokens.length; k++) {
                int w = model.checked(tokens[i + k]);
                Order o = model.orders[k];
                id = o.add(id, w, model.key(id, w));
                o.count[id]++;
            }
        }
        model.continuationCounts();
        for (int k = 0; k < order; k++) {
            model.contextStatistics(k);
        }
        return model;
    }

    /** Below the highest order, a k-gram's count becomes the number of distinct tokens seen before it. */
    private void continuationCounts() {
        int[] suffix = new int[orders[0].size]; // per n-gram of the order below: its id without the first token, one order further down
        for (int k = 1; k < orders.length; k++) {
            Order o = orders[k];
            Order lower = orders[k - 1];
            int[] next = new int[o.size];
            int[] continuation = new int[lower.size];
            for (int id = 0; id < o.size; id++) {
                int tail = lower.ids.get(key(suffix[o.prefix[id]], o.word[id]));
                next[id] = tail;
                continuation[tail]++;
            }
            lower.count = continuation;
            suffix = next;
        }
    }

    private void contextStatistics(int k) {
        Order o = orders[k];
        int contexts = k == 0 ? 1 : orders[k - 1].size;
        o.total = new int[contexts];
        o.n1 = new int[contexts];
        o.n2 = new int[contexts];
        o.n3 = new int[contexts];
        long[] countOfCounts = new long[5];
        for (int id = 0; id < o.size; id++) {
            int c = o.count[id];
            int h = o.prefix[id];
            o.total[h] += c;
            switch (c) {
                case 0 -> { }
                case 1 -> o.n1[h]++;
                case 2 -> o.n2[h]++;
                default -> o.n3[h]++;
            }
            if (c >= 1 && c <= 4) {
                countOfCounts[c]++;
            }
        }
        double y = countOfCounts[1] + countOfCounts[2] > 0 ? countOfCounts[1] / (countOfCounts[1] + 2.0 * countOfCounts[2]) : 0.5;
        o.d1 = discount(1, y, countOfCounts);
        o.d2 = discount(2, y, countOfCounts);
        o.d3 = discount(3, y, countOfCounts);
    }

    private static double discount(int r, double y, long[] n) {
        double ratio = n[r] > 0 ? (double) n[r + 1] / n[r] : 0;
        return Math.min(r, Math.max(MIN_DISCOUNT, r - (r + 1) * y * ratio));
    }

    public int order() {
        return orders.length;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** Distinct n-grams of length k (1-based) seen in the training text. */
    public int ngrams(int k) {
        return orders[k - 1].size;
    }

    /** Entries of the ARPA file: every token of the vocabulary, and the longer n-grams seen. */
    public long ngramCount() {
        long n = vocabSize;
        for (int k = 2; k <= orders.length; k++) {
            n += orders[k - 1].size;
        }
        return n;
    }

    /** Discounts D1, D2, D3+ of order k (1-based). */
    public double[] discounts(int k) {
        Order o = orders[k - 1];
        return new double[] {o.d1, o.d2, o.d3};
    }

    /** p(word | the last order − 1 tokens of history), history shorter allowed. */
    public double probability(int[] history, int word) {
        return probability(history, Math.max(0, history.length - orders.length + 1), history.length, checked(word));
    }

    /**
     * Total nats of predicting each token of {@code tokens} but the first from up to order − 1
     * tokens before it: the LSTM's evaluation, token for token.
     */
    public double evaluateNats(int[] tokens) {
        double nats = 0;
        for (int pos = 1; pos < tokens.length; pos++) {
            nats -= Math.log(probability(tokens, Math.max(0, pos - orders.length + 1), pos, checked(tokens[pos])));
        }
        return nats;
    }

    /** p(w | tokens[from, to)), interpolated from order 1 up to to − from + 1. */
    private double probability(int[] tokens, int from, int to, int w) {
        double p = 1.0 / vocabSize;
        for (int k = 0; k <= to - from; k++) {
            int context = contextId(tokens, to - k, to);
            if (context == MISSING) {
                break;
            }
            p = interpolate(k, context, w, p);
        }
        return p;
    }

    private double interpolate(int k, int context, int w, double lower) {
        Order o = orders[k];
        int total = o.total[context];
        if (total == 0) {
            return lower;
        }
        int id = o.ids.get(key(context, w));
        int c = id == MISSING ? 0 : o.count[id];
        return (Math.max(c - o.discount(c), 0) + backoffMass(o, context) * lower) / total;
    }

    private static double backoffMass(Order o, int context) {
        return o.d1 * o.n1[context] + o.d2 * o.n2[context] + o.d3 * o.n3[context];
    }

    /** The id of tokens[from, to) among the n-grams of that length; 0 for the empty context. */
    private int contextId(int[] tokens, int from, int to) {
        int id = 0;
        for (int i = from; i < to; i++) {
            id = orders[i - from].ids.get(key(id, checked(tokens[i])));
            if (id == MISSING) {
                return MISSING;
            }
        }
        return id;
    }

    private long key(int prefixId, int w) {
        return (long) prefixId * vocabSize + w;
    }

    private int checked(int token) {
        if (token < 0 || token >= vocabSize) {
            throw new IllegalArgumentException("token id " + token + " outside [0, " + vocabSize + ")");
        }
        return token;
    }

    /**
     * Writes the model in the ARPA format: log10 probabilities of the interpolated model and log10
     * backoff weights, so a backoff reader gives exactly {@link #probability}. Words are token ids in
     * decimal; every id of the vocabulary is a unigram. Order k lists every k-gram seen in training.
     */
    public void writeArpa(Writer out) throws IOException {
        out.write("\\data\\\n");
        out.write("ngram 1=" + vocabSize + "\n");
        for (int k = 2; k <= orders.length; k++) {
            out.write("ngram " + k + "=" + orders[k - 1].size + "\n");
        }
        out.write("\n\\1-grams:\n");
        for (int w = 0; w < vocabSize; w++) {
            out.write(log10(interpolate(0, 0, w, 1.0 / vocabSize)) + "\t" + w);
            writeBackoff(out, 1, orders.length > 1 ? orders[0].ids.get(key(0, w)) : MISSING);
        }
        for (int k = 2; k <= orders.length; k++) {
            out.write("\n\\" + k + "-grams:\n");
            Order o = orders[k - 1];
            int[] gram = new int[k];
            for (int id = 0; id < o.size; id++) {
                int up = id;
                for (int j = k - 1; j >= 0; j--) {
                    gram[j] = orders[j].word[up];
                    up = orders[j].prefix[up];
                }
                out.write(log10(probability(gram, 0, k - 1, gram[k - 1])));
                StringBuilder words = new StringBuilder();
                for (int w : gram) {
                    words.append(words.isEmpty() ? "\t" : " ").append(w);
                }
                out.write(words.toString());
                writeBackoff(out, k, k < orders.length ? id : MISSING);
            }
        }
        out.write("\n\\end\\\n");
    }

    /** The backoff weight of an n-gram of length k as a context of order k + 1, if it is one. */
    private void writeBackoff(Writer out, int k, int id) throws IOException {
        if (id != MISSING && orders[k].total[id] > 0) {
            out.write("\t" + log10(backoffMass(orders[k], id) / orders[k].total[id]));
        }
        out.write("\n");
    }

    private static String log10(double p) {
        return String.format(Locale.ROOT, "%.7f", Math.log10(p));
    }
}
