package dev.lmforge.tokenizer.sentencepiece;

import java.util.Arrays;

/**
 * The training text as SentencePiece's trainers see it: distinct pre-tokenized words with their
 * frequencies, each word a sequence of dense character ids (its leading U+2581 included).
 *
 * <p>Characters are those that cover {@code characterCoverage} of the text (most frequent first,
 * ties by code point, as spm_train picks them); they get ids 0..C-1 in that order. Every rarer
 * character becomes the id {@link #unk} = C, which no piece may contain. Words that differ only in
 * rare characters merge.
 */
final class TrainingCorpus {

    final int numChars;
    final int unk;
    final int[] charCodePoint;
    final long[] charFreq;
    /** Script class of each character ({@link Scripts#of}; ANY for the word mark and the unknown id). */
    final int[] charScript;
    final int distinctCharsSeen;
    final double coverage;

    final int numWords;
    /** Word i is text[wordStart[i] .. wordStart[i+1]). */
    final int[] wordStart;
    final int[] text;
    final long[] wordFreq;
    final long totalChars;

    private TrainingCorpus(int[] charCodePoint, long[] charFreq, int distinctCharsSeen, double coverage,
            int[] wordStart, int[] text, long[] wordFreq, long totalChars) {
        this.numChars = charCodePoint.length;
        this.unk = numChars;
        this.charCodePoint = charCodePoint;
        this.charFreq = charFreq;
        this.distinctCharsSeen = distinctCharsSeen;
        this.coverage = coverage;
        this.charScript = new int[numChars + 1];
        for (int i = 0; i < numChars; i++) {
            int cp = charCodePoint[i];
            charScript[i] = cp == Scripts.WS ? Scripts.ANY : Scripts.of(cp);
        }
        charScript[numChars] = Scripts.ANY;
        this.numWords = wordFreq.length;
        this.wordStart = wordStart;
        this.text = text;
        this.wordFreq = wordFreq;
        this.totalChars = totalChars;
    }

    int wordLength(int w) {
        return wordStart[w + 1] - wordStart[w];
    }

    String charString(int id) {
        return new String(Character.toChars(charCodePoint[id]));
    }

    /** Builds the corpus from counted words (keys without the leading mark). */
    static TrainingCorpus build(WordCounter.WordTable table, double characterCoverage) {
        WordCounter.Entries entries = table.entries();
        Alphabet alphabet = alphabet(entries.words(), entries.counts(), characterCoverage);
        Words words = encode(entries.words(), entries.counts(), alphabet);
        mergeCollisions(words);
        return dropMerged(alphabet, words);
    }

    /** The characters kept (most frequent first), how many distinct ones the text has, and the share of it they cover. */
    private record Alphabet(int[] codePoints, long[] freq, int seen, double coverage, int[] bmpId, IntLongMap astralId) {

        int unk() {
            return codePoints.length;
        }

        /** A code point's character id; {@link #unk} for NUL and every character not kept. */
        int id(int cp) {
            if (cp < 0x10000) {
                return cp == 0 ? unk() : bmpId[cp];
            }
            long v = astralId.get(cp);
            return v == 0 ? unk() : (int) (v - 1);
        }
    }

    /** Words as character-id sequences, each with its leading word mark, and their frequencies. */
    private record Words(int[] text, int[] starts, long[] freq, boolean[] hasUnk, long totalChars) {
    }

    /** 1. Character frequencies (the word mark once per word); the most frequent ones up to the coverage are kept. */
    private static Alphabet alphabet(String[] keys, long[] counts, double characterCoverage) {
        long[] bmp = new long[0x10000];
        IntLongMap astral = new IntLongMap();
        long markCount = 0;
        for (int e = 0; e < keys.length; e++) {
            String k = keys[e];
            long c = counts[e];
            markCount += c;
            for (int i = 0; i < k.length(); ) {
                int cp = k.codePointAt(i);
                i += Character.charCount(cp);
                if (cp == 0) {
                    continue; // spm never counts NUL: it stays unknown
                }
                if (cp < 0x10000) {
                    bmp[cp] += c;
                } else {
                    astral.add(cp, c);
                }
            }
        }
        bmp[Scripts.WS] += markCount;
        int seen = 0;
        for (long v : bmp) {
            if (v > 0) {
                seen++;
            }
        }
        seen += astral.size();
        int[] cps = new int[seen];
        long[] cnt = new long[seen];
        int n = 0;
        for (int cp = 0; cp < 0x10000; cp++) {
            if (bmp[cp] > 0) {
                cps[n] = cp;
                cnt[n++] = bmp[cp];
            }
        }
        for (int i = 0; i < astral.capacity(); i++) {
            if (astral.usedAt(i)) {
                cps[n] = astral.keyAt(i);
                cnt[n++] = astral.valueAt(i);
            }
        }
        // by count descending, then code point ascending
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> cnt[a] != cnt[b] ? Long.compare(cnt[b], cnt[a]) : Integer.compare(cps[a], cps[b]));
        long all = 0;
        for (long v : cnt) {
            all += v;
        }
        long acc = 0;
        int keep = 0;
        float target = (float) characterCoverage;
        for (int i = 0; i < n; i++) {
            float cov = (float) (1.0 * acc / all);
            if (cov >= target) {
                break;
            }
            acc += cnt[order[i]];
            keep++;
        }
        int[] charCp = new int[keep];
        long[] charFreq = new long[keep];
        for (int i = 0; i < keep; i++) {
            charCp[i] = cps[order[i]];
            charFreq[i] = cnt[order[i]];
        }
        int[] bmpId = new int[0x10000];
        Arrays.fill(bmpId, keep);
        IntLongMap astralId = new IntLongMap();
        for (int i = 0; i < keep; i++) {
            if (charCp[i] < 0x10000) {
                bmpId[charCp[i]] = i;
            } else {
                astralId.add(charCp[i], i + 1); // +1: 0 means absent
            }
        }
        return new Alphabet(charCp, charFreq, seen, all == 0 ? 0 : 1.0 * acc / all, bmpId, astralId);
    }

    /** 2. Every word as character ids behind the word mark. */
    private static Words encode(String[] keys, long[] counts, Alphabet alphabet) {
        int words = keys.length;
        long totalLen = 0;
        for (String k : keys) {
            totalLen += k.codePointCount(0, k.length()) + 1;
        }
        if (totalLen > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("too many distinct words to train on: use inputSentenceLimit");
        }
        int wsId = alphabet.id(Scripts.WS);
        int[] textBuf = new int[(int) totalLen];
        int[] starts = new int[words + 1];
        long[] freq = new long[words];
        boolean[] hasUnk = new boolean[words];
        int pos = 0;
        long totalChars = 0;
        for (int w = 0; w < words; w++) {
            String k = keys[w];
            starts[w] = pos;
            freq[w] = counts[w];
            textBuf[pos++] = wsId;
            for (int i = 0; i < k.length(); ) {
                int cp = k.codePointAt(i);
                i += Character.charCount(cp);
                int id = alphabet.id(cp);
                if (id == alphabet.unk()) {
                    hasUnk[w] = true;
                }
                textBuf[pos++] = id;
            }
            totalChars += freq[w] * (pos - starts[w]);
        }
        starts[words] = pos;
        return new Words(textBuf, starts, freq, hasUnk, totalChars);
    }

    /** Words that became equal once rare characters turned unknown merge into the first: its frequency grows, theirs drops to 0. */
    private static void mergeCollisions(Words words) {
        java.util.HashMap<IntSeq, Integer> seen = new java.util.HashMap<>();
        long[] freq = words.freq();
        for (int i = 0; i < freq.length; i++) {
            if (words.hasUnk()[i]) {
                IntSeq key = new IntSeq(words.text(), words.starts()[i], words.starts()[i + 1]);
                Integer first = seen.putIfAbsent(key, i);
                if (first != null) {
                    freq[first] += freq[i];
                    freq[i] = 0;
                }
            }
        }
    }

    /** 3. The corpus without the words merged into others (the table's order is already deterministic). */
    private static TrainingCorpus dropMerged(Alphabet alphabet, Words words) {
        int[] textBuf = words.text();
        int[] starts = words.starts();
        long[] freq = words.freq();
        int count = freq.length;
        int live = 0;
        int total = 0;
        for (int i = 0; i < count; i++) {
            if (freq[i] > 0) {
                live++;
                total += starts[i + 1] - starts[i];
            }
        }
        int[] outText = textBuf;
        int[] outStart = starts;
        long[] outFreq = freq;
        if (live < count) {
            outStart = new int[live + 1];
            outFreq = new long[live];
            outText = new int[total];
            int p = 0;
            int k = 0;
            for (int i = 0; i < count; i++) {
                if (freq[i] > 0) {
                    outStart[k] = p;
                    outFreq[k++] = freq[i];
                    int len = starts[i + 1] - starts[i];
                    System.arraycopy(textBuf, starts[i], outText, p, len);
                    p += len;
                }
            }
            outStart[live] = p;
        }
        return new TrainingCorpus(alphabet.codePoints(), alphabet.freq(), alphabet.seen(), alphabet.coverage(), outStart, outText, outFreq,
                words.totalChars());
    }

    /** A hashable view of an int range (for merging words). */
    private record IntSeq(int[] a, int from, int to) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IntSeq s && Arrays.equals(a, from, to, s.a, s.from, s.to);
        }

        @Override
        public int hashCode() {
            int h = 1;
            for (int i = from; i < to; i++) {
                h = 31 * h + a[i];
            }
            return h;
        }
    }
}
