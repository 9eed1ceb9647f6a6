package dev.lmforge.tokenizer.sentencepiece;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Unigram language-model training as SentencePiece's unigram trainer does it:
 * <ol>
 * <li>seed vocabulary: every character, plus the most frequent substrings of words (up to the longest
 * piece; only valid pieces) ranked by frequency x length, at most {@link #SEED_SIZE} in all; the
 * substrings are the branching nodes of a suffix tree over the distinct words;</li>
 * <li>EM: expected piece counts by forward-backward over each word's lattice, then the Bayesian
 * (digamma) update, dropping pieces expected less than half a time; two sub-iterations per round;</li>
 * <li>pruning: per piece, the loss in likelihood if it were replaced by its best alternative
 * segmentation; keep the pieces whose removal costs most, shrinking the vocabulary by 25 % per round
 * until it is within 10 % of the target;</li>
 * <li>final vocabulary: all required characters plus the best-scoring pieces, sorted by score.</li>
 * </ol>
 *
 * <p>Implementation: no trie. The sorted suffixes give, for every seed piece, all positions where it
 * occurs, so each word's lattice (edges: start, length, piece) is built once and only filtered as
 * pieces go. Forward-backward runs in probability space with each edge scaled by a constant per
 * character (every path through a word covers the same characters, so the posteriors are unchanged);
 * a word whose total falls out of range is redone in log space. The E-step and the Viterbi pass
 * split the words across threads.
 */
final class UnigramTrainer {

    static final int SEED_SIZE = 1_000_000;
    static final double SHRINKING_FACTOR = 0.75;
    static final int SUB_ITERATIONS = 2;
    private static final double UNK_PENALTY = 10.0;
    private static final double MIN_EXPECTED = 0.5;
    private static final int LEN_BITS = 10;
    private static final int LEN_MASK = (1 << LEN_BITS) - 1;

    private final TrainingCorpus corpus;
    private final int maxLen;
    private final int threads;
    private final int[] text;
    private final int[] wordStart;
    private final long[] wordFreq;
    private final int numWords;
    private final int[] wordChunks;

    // current pieces (chars come first at seed time)
    private int numPieces;
    private int[] pLen;
    /** Occurrence position in the text (pieces of 2+ characters); for characters the char id. */
    private int[] pOcc;
    private boolean[] pIsChar;
    private double[] score;
    private double minScore;

    // lattice edges, grouped by position: edges of position p are edge[posStart[p] .. posStart[p+1])
    private int[] posStart;
    private int[] edge;

    private int seeds;
    private final int wsChar;
    private static final boolean DEBUG = Boolean.getBoolean("lmforge.sp.debug");
    private long lastLog = System.nanoTime();

    private void log(String what) {
        if (DEBUG) {
            long now = System.nanoTime();
            System.err.printf("[unigram] %-40s %6d ms  pieces=%d edges=%d%n", what, (now - lastLog) / 1_000_000, numPieces, posStart == null ? 0 : posStart[posStart.length - 1]);
            lastLog = now;
        }
    }
    private double scale = 4.0;

    record Result(List<int[]> pieces, float[] scores) {
    }

    UnigramTrainer(TrainingCorpus corpus, int maxPieceLength, int threads) {
        this.corpus = corpus;
        this.maxLen = maxPieceLength;
        this.threads = threads;
        this.text = corpus.text;
        this.wordStart = corpus.wordStart;
        this.wordFreq = corpus.wordFreq;
        this.numWords = corpus.numWords;
        int ws = -1;
        for (int i = 0; i < corpus.numChars; i++) {
            if (corpus.charCodePoint[i] == Scripts.WS) {
                ws = i;
            }
        }
        this.wsChar = ws;
        // chunks of about equal text length, a few per thread
        int parts = Math.max(1, threads * 4);
        wordChunks = new int[parts + 1];
        long total = text.length;
        int w = 0;
        for (int i = 1; i < parts; i++) {
            long target = total * i / parts;
            while (w < numWords && wordStart[w] < target) {
                w++;
            }
            wordChunks[i] = w;
        }
        wordChunks[parts] = numWords;
    }

    int seedCount() {
        return seeds;
    }

    /**
     * Trains until {@code wanted} pieces (besides the special and byte pieces) can be kept; EM stops
     * pruning at 1.1 x the full vocabulary size, as spm_train does.
     */
    Result train(int wanted, int vocabSize) {
        makeSeeds();
        seeds = numPieces;
        if (numPieces < wanted) {
            return finish(numPieces);
        }
        int desired = (int) (vocabSize * 1.1);
        try (Pool pool = new Pool(threads)) {
            while (true) {
                for (int iter = 0; iter < SUB_ITERATIONS; iter++) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new java.util.concurrent.CancellationException("unigram training interrupted");
                    }
                    double[] expected = eStep(pool);
                    log("e-step");
                    mStep(expected);
                    log("m-step");
                }
                if (numPieces <= desired) {
                    break;
                }
                prune(pool, desired);
                log("prune");
            }
        }
        return finish(wanted);
    }

    // ---- seeds ------------------------------------------------------------------------------------

    /**
     * The seed vocabulary, as spm_train makes it: every character, plus the most frequent substrings
     * (frequency × length) of the suffix array's lcp-interval tree; then the lattice of where each
     * piece occurs.
     */
    private void makeSeeds() {
        lastLog = System.nanoTime();
        SubstringIndex idx = new SubstringIndex(text, wordStart, numWords, corpus.unk, maxLen + 1);
        log("suffix sort (" + idx.sa.length + " suffixes)");
        Candidates candidates = candidates(idx);
        log("candidates: " + candidates.score().size());
        int take = Math.min(candidates.score().size(), Math.max(0, SEED_SIZE - corpus.numChars));
        int[] order = topCandidates(candidates.score(), candidates.lb(), candidates.len(), take);
        log("ranked candidates");
        Seeds seeds = seedPieces(idx, candidates, order, take);
        log("seed scores");
        buildLattice(idx, seeds, take);
        updateMinScore();
        log("lattice edges");
    }

    /** Substring candidates: suffix-array intervals [lb, rb] of length len, scored frequency × length. */
    private record Candidates(LongArray score, IntArray lb, IntArray rb, IntArray len) {
    }

    /** The chosen seeds' suffix-array intervals, and their (lb, length, index) keys sorted for the lattice sweep. */
    private record Seeds(int[] lb, int[] rb, long[] sweep) {
    }

    private Candidates candidates(SubstringIndex idx) {
        int[] sa = idx.sa;
        int[] lcp = idx.lcp;
        int m = sa.length;
        long[] cum = new long[m + 1];
        for (int i = 0; i < m; i++) {
            cum[i + 1] = cum[i] + wordFreq[idx.word[i]];
        }
        // candidates: (lb, rb, len, score)
        LongArray candScore = new LongArray();
        IntArray candLb = new IntArray();
        IntArray candRb = new IntArray();
        IntArray candLen = new IntArray();
        // bottom-up traversal of the lcp-interval tree: its nodes are the substrings that occur at
        // least twice and are followed by different characters (the branching nodes of the suffix tree)
        int[] stackLcp = new int[maxLen + 4];
        int[] stackLb = new int[maxLen + 4];
        int top = 0;
        for (int i = 1; i <= m; i++) {
            int l = i < m ? lcp[i] : 0;
            int lb = i - 1;
            while (l < stackLcp[top]) {
                int h = stackLcp[top];
                int tlb = stackLb[top];
                top--;
                int rb = i - 1;
                if (h >= 2 && h <= maxLen && validAt(sa[tlb], h)) {
                    candScore.add((cum[rb + 1] - cum[tlb]) * h);
                    candLb.add(tlb);
                    candRb.add(rb);
                    candLen.add(h);
                }
                lb = tlb;
            }
            if (l > stackLcp[top]) {
                top++;
                stackLcp[top] = l;
                stackLb[top] = lb;
            }
        }
        // leaves: a word tail that occurs in one distinct word only, but at least twice in the text
        for (int i = 0; i < m; i++) {
            int len = idx.length[i];
            if (len < 2 || len > maxLen || !idx.toWordEnd[i] || wordFreq[idx.word[i]] < 2) {
                continue;
            }
            int inner = Math.max(lcp[i], i + 1 < m ? lcp[i + 1] : 0);
            if (len > inner && validAt(sa[i], len)) {
                candScore.add(wordFreq[idx.word[i]] * len);
                candLb.add(i);
                candRb.add(i);
                candLen.add(len);
            }
        }
        return new Candidates(candScore, candLb, candRb, candLen);
    }

    /** The characters and the {@code take} best candidates as pieces, scored by their log relative frequency. */
    private Seeds seedPieces(SubstringIndex idx, Candidates candidates, int[] order, int take) {
        int c = corpus.numChars;
        numPieces = c + take;
        if (numPieces >= (1 << 21)) {
            throw new IllegalStateException("too many seed pieces");
        }
        pLen = new int[numPieces];
        pOcc = new int[numPieces];
        pIsChar = new boolean[numPieces];
        score = new double[numPieces];
        double sum = 0;
        for (int i = 0; i < c; i++) {
            pLen[i] = 1;
            pOcc[i] = i;
            pIsChar[i] = true;
            score[i] = corpus.charFreq[i];
            sum += score[i];
        }
        int[] seedLb = new int[take];
        int[] seedRb = new int[take];
        long[] sweep = new long[take];
        for (int k = 0; k < take; k++) {
            int j = order[k];
            int id = c + k;
            pLen[id] = candidates.len().get(j);
            pOcc[id] = idx.sa[candidates.lb().get(j)];
            score[id] = candidates.score().get(j);
            sum += score[id];
            seedLb[k] = candidates.lb().get(j);
            seedRb[k] = candidates.rb().get(j);
            sweep[k] = ((long) seedLb[k] << 32) | ((long) pLen[id] << 21) | k;
        }
        double logSum = Math.log(sum);
        for (int i = 0; i < numPieces; i++) {
            score[i] = Math.log(score[i]) - logSum;
        }
        Arrays.sort(sweep);
        return new Seeds(seedLb, seedRb, sweep);
    }

    /**
     * Lattice edges: at each position its character, then the seeds that start there, shortest
     * first. Seeds are nested or disjoint intervals of the sorted suffixes, so one sweep over the
     * suffixes with a stack of open seeds lists, for each suffix, the seeds it starts.
     */
    private void buildLattice(SubstringIndex idx, Seeds seeds, int take) {
        int[] sa = idx.sa;
        int m = sa.length;
        int n = text.length;
        int c = corpus.numChars;
        int[] seedLb = seeds.lb();
        int[] seedRb = seeds.rb();
        long[] sweep = seeds.sweep();
        int[] perRank = new int[m + 1];
        for (int k = 0; k < take; k++) {
            perRank[seedLb[k]]++;
            perRank[seedRb[k] + 1]--;
        }
        int[] count = new int[n];
        int running = 0;
        for (int r = 0; r < m; r++) {
            running += perRank[r];
            count[sa[r]] = running + 1;
        }
        posStart = new int[n + 1];
        long totalEdges = 0;
        for (int p = 0; p < n; p++) {
            posStart[p] = (int) totalEdges;
            totalEdges += count[p];
        }
        if (totalEdges > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("too many lattice edges: use inputSentenceLimit to sample fewer lines");
        }
        posStart[n] = (int) totalEdges;
        edge = new int[(int) totalEdges];
        int[] stack = new int[maxLen + 4];
        int[] stackEdge = new int[maxLen + 4];
        int depth = 0;
        int next = 0;
        for (int r = 0; r < m; r++) {
            while (depth > 0 && seedRb[stack[depth - 1]] < r) {
                depth--;
            }
            while (next < take && (int) (sweep[next] >>> 32) == r) {
                int seed = (int) (sweep[next++] & ((1 << 21) - 1));
                stack[depth] = seed;
                stackEdge[depth++] = ((c + seed) << LEN_BITS) | pLen[c + seed];
            }
            int p = sa[r];
            int e = posStart[p];
            edge[e++] = (text[p] << LEN_BITS) | 1;
            for (int k = 0; k < depth; k++) {
                edge[e++] = stackEdge[k];
            }
        }
    }

    /** Whether text[p .. p+len) is a valid piece (see {@link Scripts#validPiece}). */
    private boolean validAt(int p, int len) {
        if (len > maxLen) {
            return false;
        }
        int[] script = corpus.charScript;
        int prev = Scripts.ANY;
        for (int i = 0; i < len; i++) {
            int ch = text[p + i];
            if (ch == wsChar) {
                if (i > 0) {
                    return false;
                }
                continue;
            }
            int sc = script[ch];
            if (sc == Scripts.INHERITED) {
                sc = prev;
            }
            if (sc != Scripts.ANY && prev != Scripts.ANY && sc != prev) {
                return false;
            }
            prev = sc;
        }
        return true;
    }

    /** Indexes of the best `take` candidates: score descending, then lexicographic, then shorter. */
    private static int[] topCandidates(LongArray score, IntArray lb, IntArray len, int take) {
        int n = score.size();
        long[] s = score.array();
        int[] l = lb.array();
        int[] ln = len.array();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        IntSorter.sort(idx, (a, b) -> {
            if (s[a] != s[b]) {
                return s[a] > s[b] ? -1 : 1;
            }
            if (l[a] != l[b]) {
                return Integer.compare(l[a], l[b]);
            }
            return Integer.compare(ln[a], ln[b]);
        });
        return Arrays.copyOf(idx, take);
    }

    private void updateMinScore() {
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < numPieces; i++) {
            min = Math.min(min, score[i]);
        }
        minScore = min;
    }

    // ---- EM ---------------------------------------------------------------------------------------

    private double[] eStep(Pool pool) {
        int np = numPieces;
        double k = scale;
        double[] weight = new double[np];
        for (int i = 0; i < np; i++) {
            weight[i] = Math.exp(score[i] + k * pLen[i]);
        }
        double unkScore = minScore - UNK_PENALTY;
        double unkWeight = Math.exp(unkScore + k);
        int parts = wordChunks.length - 1;
        List<double[]> partial = pool.map(parts, part -> {
            double[] expected = new double[np + 1]; // last slot: log-likelihood
            double[] alpha = new double[64];
            double[] beta = new double[64];
            double logLik = 0;
            for (int w = wordChunks[part]; w < wordChunks[part + 1]; w++) {
                int s = wordStart[w];
                int len = wordStart[w + 1] - s;
                if (alpha.length < len + 1) {
                    alpha = new double[len * 2 + 1];
                    beta = new double[len * 2 + 1];
                }
                double freq = wordFreq[w];
                Arrays.fill(alpha, 0, len + 1, 0.0);
                alpha[0] = 1.0;
                for (int p = 0; p < len; p++) {
                    double a = alpha[p];
                    if (a == 0) {
                        continue;
                    }
                    boolean single = false;
                    for (int e = posStart[s + p], end = posStart[s + p + 1]; e < end; e++) {
                        int x = edge[e];
                        int l = x & LEN_MASK;
                        single |= l == 1;
                        alpha[p + l] += a * weight[x >>> LEN_BITS];
                    }
                    if (!single) {
                        alpha[p + 1] += a * unkWeight;
                    }
                }
                double z = alpha[len];
                if (!(z > 1e-280 && z < 1e280)) {
                    logLik += freq * logSpaceWord(w, expected, unkScore);
                    continue;
                }
                logLik += freq * (Math.log(z) - k * len);
                double f = freq / z;
                beta[len] = 1.0;
                for (int p = len - 1; p >= 0; p--) {
                    double b = 0;
                    boolean single = false;
                    double fa = f * alpha[p];
                    for (int e = posStart[s + p], end = posStart[s + p + 1]; e < end; e++) {
                        int x = edge[e];
                        int l = x & LEN_MASK;
                        single |= l == 1;
                        int piece = x >>> LEN_BITS;
                        double t = weight[piece] * beta[p + l];
                        b += t;
                        expected[piece] += fa * t;
                    }
                    if (!single) {
                        b += unkWeight * beta[p + 1];
                    }
                    beta[p] = b;
                }
            }
            expected[np] = logLik;
            return expected;
        });
        double[] expected = partial.get(0);
        for (int t = 1; t < partial.size(); t++) {
            double[] o = partial.get(t);
            for (int i = 0; i <= np; i++) {
                expected[i] += o[i];
            }
        }
        double logLik = expected[np];
        // next scale: the average log-probability per character, so that edge weights stay near 1
        double perChar = -logLik / corpus.totalChars;
        if (Double.isFinite(perChar) && perChar > 0) {
            scale = perChar;
        }
        return Arrays.copyOf(expected, np);
    }

    /** Forward-backward of one word in log space (fallback for words whose total over/underflows). */
    private double logSpaceWord(int w, double[] expected, double unkScore) {
        int s = wordStart[w];
        int len = wordStart[w + 1] - s;
        double[] alpha = new double[len + 1];
        double[] beta = new double[len + 1];
        Arrays.fill(alpha, Double.NEGATIVE_INFINITY);
        Arrays.fill(beta, Double.NEGATIVE_INFINITY);
        alpha[0] = 0;
        for (int p = 0; p < len; p++) {
            if (alpha[p] == Double.NEGATIVE_INFINITY) {
                continue;
            }
            boolean single = false;
            for (int e = posStart[s + p], end = posStart[s + p + 1]; e < end; e++) {
                int x = edge[e];
                int l = x & LEN_MASK;
                single |= l == 1;
                alpha[p + l] = logAdd(alpha[p + l], alpha[p] + score[x >>> LEN_BITS]);
            }
            if (!single) {
                alpha[p + 1] = logAdd(alpha[p + 1], alpha[p] + unkScore);
            }
        }
        double z = alpha[len];
        double freq = wordFreq[w];
        beta[len] = 0;
        for (int p = len - 1; p >= 0; p--) {
            double b = Double.NEGATIVE_INFINITY;
            boolean single = false;
            for (int e = posStart[s + p], end = posStart[s + p + 1]; e < end; e++) {
                int x = edge[e];
                int l = x & LEN_MASK;
                single |= l == 1;
                int piece = x >>> LEN_BITS;
                double t = score[piece] + beta[p + l];
                b = logAdd(b, t);
                expected[piece] += freq * Math.exp(alpha[p] + t - z);
            }
            if (!single) {
                b = logAdd(b, unkScore + beta[p + 1]);
            }
            beta[p] = b;
        }
        return z;
    }

    private static double logAdd(double x, double y) {
        if (x == Double.NEGATIVE_INFINITY) {
            return y;
        }
        if (y == Double.NEGATIVE_INFINITY) {
            return x;
        }
        return x > y ? x + Math.log1p(Math.exp(y - x)) : y + Math.log1p(Math.exp(x - y));
    }

    private void mStep(double[] expected) {
        int[] remap = new int[numPieces];
        double sum = 0;
        int kept = 0;
        for (int i = 0; i < numPieces; i++) {
            if (expected[i] < MIN_EXPECTED) {
                remap[i] = -1;
            } else {
                remap[i] = kept++;
                sum += expected[i];
            }
        }
        double logSum = digamma(sum);
        double[] newScore = new double[kept];
        for (int i = 0; i < numPieces; i++) {
            if (remap[i] >= 0) {
                newScore[remap[i]] = digamma(expected[i]) - logSum;
            }
        }
        apply(remap, kept, newScore);
    }

    static double digamma(double x) {
        double result = 0;
        for (; x < 7; ++x) {
            result -= 1 / x;
        }
        x -= 1.0 / 2.0;
        double xx = 1.0 / x;
        double xx2 = xx * xx;
        double xx4 = xx2 * xx2;
        result += Math.log(x) + (1.0 / 24.0) * xx2 - (7.0 / 960.0) * xx4 + (31.0 / 8064.0) * xx4 * xx2 - (127.0 / 30720.0) * xx4 * xx4;
        return result;
    }

    /** Keeps the pieces with remap[i] >= 0 (renumbered), with the given scores, and filters edges. */
    private void apply(int[] remap, int kept, double[] newScore) {
        int[] len = new int[kept];
        int[] occ = new int[kept];
        boolean[] isChar = new boolean[kept];
        for (int i = 0; i < numPieces; i++) {
            int j = remap[i];
            if (j >= 0) {
                len[j] = pLen[i];
                occ[j] = pOcc[i];
                isChar[j] = pIsChar[i];
            }
        }
        int n = posStart.length - 1;
        if (kept == numPieces) {
            // nothing removed: ids are unchanged
            score = newScore;
            updateMinScore();
            return;
        }
        int out = 0;
        int in = 0;
        for (int p = 0; p < n; p++) {
            int end = posStart[p + 1];
            posStart[p] = out;
            for (; in < end; in++) {
                int x = edge[in];
                int j = remap[x >>> LEN_BITS];
                if (j >= 0) {
                    edge[out++] = (j << LEN_BITS) | (x & LEN_MASK);
                }
            }
        }
        posStart[n] = out;
        if (out < edge.length / 2) {
            edge = Arrays.copyOf(edge, out);
        }
        numPieces = kept;
        pLen = len;
        pOcc = occ;
        pIsChar = isChar;
        score = newScore;
        updateMinScore();
    }

    // ---- pruning ----------------------------------------------------------------------------------

    /**
     * Drops the pieces whose removal costs the corpus least, down to {@code SHRINKING_FACTOR} of the
     * vocabulary (not below {@code desired}), as spm_train does: (1) which pieces another segmentation
     * can replace, (2) how often the current model uses each piece, (3) the likelihood lost by removing each.
     */
    private void prune(Pool pool, int desired) {
        int np = numPieces;
        double unkScore = minScore - UNK_PENALTY;
        int[][] alternatives = alternatives(pool, np, unkScore);
        double[] freq = pieceFrequencies(pool, np, unkScore);
        boolean[] keep = keepByLoss(alternatives, freq, np, desired);
        int kept = 0;
        int[] remap = new int[np];
        for (int i = 0; i < np; i++) {
            remap[i] = keep[i] ? kept++ : -1;
        }
        double[] newScore = new double[kept];
        for (int i = 0; i < np; i++) {
            if (keep[i]) {
                newScore[remap[i]] = score[i];
            }
        }
        apply(remap, kept, newScore);
    }

    /** A piece that must stay: a character, or a piece with no other segmentation. */
    private static final int[] KEEP = new int[0];

    /**
     * Phase 1, per piece: {@link #KEEP}, null when its own best segmentation is already split (removable
     * at no loss), or the pieces of its best other segmentation (-1 for an unknown character).
     */
    private int[][] alternatives(Pool pool, int np, double unkScore) {
        int[][] alternatives = new int[np][];
        int parts = threads * 4;
        pool.map(parts, part -> {
            double[] best = new double[maxLen + 1];
            int[] back = new int[maxLen + 1];
            int[] backPiece = new int[maxLen + 1];
            for (int i = part; i < np; i += parts) {
                alternatives[i] = alternative(i, unkScore, best, back, backPiece);
            }
            return null;
        });
        return alternatives;
    }

    private int[] alternative(int i, double unkScore, double[] best, int[] back, int[] backPiece) {
        if (pIsChar[i] || pLen[i] == 1) {
            return KEEP;
        }
        int start = pOcc[i];
        int len = pLen[i];
        Arrays.fill(best, 0, len + 1, Double.NEGATIVE_INFINITY);
        best[0] = 0;
        double fullScore = Double.NEGATIVE_INFINITY;
        double altScore = Double.NEGATIVE_INFINITY;
        int altFrom = -1;
        int altPiece = -1;
        for (int p = 0; p < len; p++) {
            double b = best[p];
            if (b == Double.NEGATIVE_INFINITY) {
                continue;
            }
            boolean single = false;
            for (int e = posStart[start + p], end = posStart[start + p + 1]; e < end; e++) {
                int x = edge[e];
                int l = x & LEN_MASK;
                single |= l == 1;
                if (p + l > len) {
                    continue;
                }
                int piece = x >>> LEN_BITS;
                double sc = b + score[piece];
                if (p + l == len) {
                    if (piece == i) {
                        fullScore = sc;
                    } else if (sc > altScore) {
                        altScore = sc;
                        altFrom = p;
                        altPiece = piece;
                    }
                } else if (sc > best[p + l]) {
                    best[p + l] = sc;
                    back[p + l] = p;
                    backPiece[p + l] = piece;
                }
            }
            if (!single) {
                double sc = b + unkScore;
                if (p + 1 == len) {
                    if (sc > altScore) {
                        altScore = sc;
                        altFrom = p;
                        altPiece = -1;
                    }
                } else if (sc > best[p + 1]) {
                    best[p + 1] = sc;
                    back[p + 1] = p;
                    backPiece[p + 1] = -1;
                }
            }
        }
        if (altFrom < 0) {
            return KEEP; // no other segmentation at all
        }
        if (altScore > fullScore) {
            return null; // its own best segmentation is split: removable
        }
        int count = 1;
        for (int p = altFrom; p > 0; p = back[p]) {
            count++;
        }
        int[] alt = new int[count];
        alt[count - 1] = altPiece;
        int k = count - 2;
        for (int p = altFrom; p > 0; p = back[p]) {
            alt[k--] = backPiece[p];
        }
        return alt;
    }

    /** Phase 2: how often the current model's Viterbi segmentation uses each piece; the last entry is the total word count. */
    private double[] pieceFrequencies(Pool pool, int np, double unkScore) {
        int wparts = wordChunks.length - 1;
        List<double[]> partial = pool.map(wparts, part -> {
            double[] freq = new double[np + 1];
            double[] best = new double[64];
            int[] backPos = new int[64];
            int[] backPiece = new int[64];
            for (int w = wordChunks[part]; w < wordChunks[part + 1]; w++) {
                int s = wordStart[w];
                int len = wordStart[w + 1] - s;
                if (best.length < len + 1) {
                    best = new double[len * 2 + 1];
                    backPos = new int[len * 2 + 1];
                    backPiece = new int[len * 2 + 1];
                }
                viterbi(s, len, unkScore, best, backPos, backPiece);
                double f = wordFreq[w];
                for (int p = len; p > 0; p = backPos[p]) {
                    int piece = backPiece[p];
                    if (piece >= 0) {
                        freq[piece] += f;
                    }
                }
                freq[np] += f;
            }
            return freq;
        });
        double[] freq = partial.get(0);
        for (int t = 1; t < partial.size(); t++) {
            double[] o = partial.get(t);
            for (int i = 0; i <= np; i++) {
                freq[i] += o[i];
            }
        }
        return freq;
    }

    /**
     * Phase 3: keeps the pieces that must stay, then the replaceable ones whose removal loses the
     * most likelihood, until the pruned size is reached. Returns which pieces stay.
     */
    private boolean[] keepByLoss(int[][] alternatives, double[] freq, int np, int desired) {
        double vsum = freq[np];
        double sum = 0;
        for (int i = 0; i < np; i++) {
            sum += freq[i];
        }
        double logSum = Math.log(sum);
        boolean[] keep = new boolean[np];
        int kept = 0;
        IntArray cand = new IntArray();
        double[] loss = new double[np];
        for (int i = 0; i < np; i++) {
            int[] alt = alternatives[i];
            if (freq[i] == 0 || alt == null) {
                continue;
            }
            if (alt == KEEP) {
                keep[i] = true;
                kept++;
                continue;
            }
            double f = freq[i] / vsum;
            double logProbSp = Math.log(freq[i]) - logSum;
            // As spm_train 0.1.97 (our reference) computes it: the total after re-assigning freq[i]
            // is normalized with the vocabulary size where later versions use the alternative's
            // length. This charges multi-piece alternatives more, keeps pieces that save tokens, and
            // compressed held-out Europarl 0.4-0.8 % better than the later formula in our tests.
            double logSumAlt = Math.log(sum + freq[i] * (np - 1));
            double logProbAlt = 0;
            for (int a : alt) {
                double fa = a >= 0 ? freq[a] : 0;
                logProbAlt += Math.log(fa + freq[i]) - logSumAlt;
            }
            loss[i] = f * (logProbSp - logProbAlt);
            cand.add(i);
        }
        int prunedSize = Math.max(desired, (int) (SHRINKING_FACTOR * np));
        int[] c = Arrays.copyOf(cand.array(), cand.size());
        IntSorter.sort(c, (a, b) -> loss[a] != loss[b] ? (loss[a] > loss[b] ? -1 : 1) : Integer.compare(a, b));
        for (int k = 0; k < c.length && kept < prunedSize; k++) {
            keep[c[k]] = true;
            kept++;
        }
        return keep;
    }

    /** Viterbi over word positions [s, s+len): fills best/back arrays (index = end offset). */
    private void viterbi(int s, int len, double unkScore, double[] best, int[] backPos, int[] backPiece) {
        Arrays.fill(best, 0, len + 1, Double.NEGATIVE_INFINITY);
        best[0] = 0;
        for (int p = 0; p < len; p++) {
            double b = best[p];
            boolean single = false;
            for (int e = posStart[s + p], end = posStart[s + p + 1]; e < end; e++) {
                int x = edge[e];
                int l = x & LEN_MASK;
                single |= l == 1;
                int piece = x >>> LEN_BITS;
                double sc = b + score[piece];
                if (sc > best[p + l]) {
                    best[p + l] = sc;
                    backPos[p + l] = p;
                    backPiece[p + l] = piece;
                }
            }
            if (!single) {
                double sc = b + unkScore;
                if (sc > best[p + 1]) {
                    best[p + 1] = sc;
                    backPos[p + 1] = p;
                    backPiece[p + 1] = -1;
                }
            }
        }
    }

    // ---- final vocabulary -------------------------------------------------------------------------

    private int[] pieceChars(int i) {
        if (pIsChar[i]) {
            return new int[] {pOcc[i]};
        }
        return Arrays.copyOfRange(text, pOcc[i], pOcc[i] + pLen[i]);
    }

    private Result finish(int wanted) {
        int c = corpus.numChars;
        // required characters first: their score, or just above the minimum (frequent ones higher)
        List<int[]> chars = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        int[] charPiece = new int[c];
        Arrays.fill(charPiece, -1);
        for (int i = 0; i < numPieces; i++) {
            if (pIsChar[i]) {
                charPiece[pOcc[i]] = i;
            }
        }
        double penalty = 0;
        for (int ch = 0; ch < c; ch++) {
            chars.add(new int[] {ch});
            if (charPiece[ch] >= 0) {
                scores.add(score[charPiece[ch]]);
            } else {
                scores.add(minScore + penalty);
                penalty += 0.0001;
            }
        }
        // then the best-scoring other pieces
        Integer[] others = new Integer[numPieces];
        int no = 0;
        for (int i = 0; i < numPieces; i++) {
            if (!pIsChar[i]) {
                others[no++] = i;
            }
        }
        int[] cps = corpus.charCodePoint;
        Integer[] sortedOthers = Arrays.copyOf(others, no);
        Arrays.sort(sortedOthers, (a, b) -> score[a] != score[b] ? (score[a] > score[b] ? -1 : 1) : compareText(pieceChars(a), pieceChars(b), cps));
        List<int[]> all = new ArrayList<>(chars);
        List<Double> allScores = new ArrayList<>(scores);
        for (int k = 0; k < sortedOthers.length && all.size() < wanted; k++) {
            all.add(pieceChars(sortedOthers[k]));
            allScores.add(score[sortedOthers[k]]);
        }
        // sort by score descending, ties by string
        Integer[] order = new Integer[all.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        float[] fs = new float[order.length];
        for (int i = 0; i < order.length; i++) {
            fs[i] = (float) (double) allScores.get(i);
        }
        Arrays.sort(order, (a, b) -> fs[a] != fs[b] ? (fs[a] > fs[b] ? -1 : 1) : compareText(all.get(a), all.get(b), cps));
        List<int[]> outPieces = new ArrayList<>(order.length);
        float[] outScores = new float[order.length];
        for (int i = 0; i < order.length; i++) {
            outPieces.add(all.get(order[i]));
            outScores[i] = fs[order[i]];
        }
        return new Result(outPieces, outScores);
    }

    private static int compareText(int[] a, int[] b, int[] cps) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(cps[a[i]], cps[b[i]]);
            }
        }
        return Integer.compare(a.length, b.length);
    }

    // ---- small helpers ----------------------------------------------------------------------------

    /** A fixed pool of worker threads running numbered tasks. */
    static final class Pool implements AutoCloseable {
        private final ExecutorService executor;

        Pool(int threads) {
            this.executor = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "sp-unigram");
                t.setDaemon(true);
                return t;
            }) : null;
        }

        /** Runs task(0) .. task(parts - 1), on the pool's threads, and returns their results in order. */
        <T> List<T> map(int parts, IntFunction<T> task) {
            List<T> out = new ArrayList<>(parts);
            if (executor == null) {
                for (int i = 0; i < parts; i++) {
                    out.add(task.apply(i));
                }
                return out;
            }
            List<Future<T>> fs = new ArrayList<>(parts);
            for (int i = 0; i < parts; i++) {
                int part = i;
                fs.add(executor.submit(() -> task.apply(part)));
            }
            for (Future<T> f : fs) {
                try {
                    out.add(f.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
            return out;
        }

        @Override
        public void close() {
            if (executor != null) {
                executor.shutdownNow();
            }
        }
    }

    static final class IntArray {
        private int[] a = new int[1024];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int get(int i) {
            return a[i];
        }

        int size() {
            return n;
        }

        int[] array() {
            return a;
        }
    }

    static final class LongArray {
        private long[] a = new long[1024];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long get(int i) {
            return a[i];
        }

        int size() {
            return n;
        }

        long[] array() {
            return a;
        }
    }
}
