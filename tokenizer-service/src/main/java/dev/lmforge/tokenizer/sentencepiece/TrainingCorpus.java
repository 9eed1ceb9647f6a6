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
        String[] keys = entries.words();
        long[] counts = entries.counts();
        // 1. character frequencies (the mark once per word)
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
        long[] packed = new long[seen]; // sort key: we sort indexes by (count desc, code point asc)
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
        double coverage = all == 0 ? 0 : 1.0 * acc / all;
        // code point -> char id
        int unk = keep;
        int[] bmpId = new int[0x10000];
        Arrays.fill(bmpId, unk);
        IntLongMap astralId = new IntLongMap();
        for (int i = 0; i < keep; i++) {
            if (charCp[i] < 0x10000) {
                bmpId[charCp[i]] = i;
            } else {
                astralId.add(charCp[i], i + 1); // +1: 0 means absent
            }
        }
        int wsId = bmpId[Scripts.WS];

        // 2. words as id sequences; words with unknown characters may collide and merge
        int words = keys.length;
        long totalLen = 0;
        for (String k : keys) {
            totalLen += k.codePointCount(0, k.length()) + 1;
        }
        if (totalLen > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("too many distinct words to train on: use inputSentenceLimit");
        }
        int[] textBuf = new int[(int) totalLen];
        int[] starts = new int[words + 1];
        long[] freq = new long[words];
        boolean[] hasUnk = new boolean[words];
        int w = 0;
        int pos = 0;
        long totalChars = 0;
        for (int e = 0; e < words; e++) {
            String k = keys[e];
            starts[w] = pos;
            freq[w] = counts[e];
            textBuf[pos++] = wsId;
            for (int i = 0; i < k.length(); ) {
                int cp = k.codePointAt(i);
                i += Character.charCount(cp);
                int id;
                if (cp < 0x10000) {
                    id = cp == 0 ? unk : bmpId[cp];
                } else {
                    long v = astralId.get(cp);
                    id = v == 0 ? unk : (int) (v - 1);
                }
                if (id == unk) {
                    hasUnk[w] = true;
                }
                textBuf[pos++] = id;
            }
            totalChars += freq[w] * (pos - starts[w]);
            w++;
        }
        starts[w] = pos;

        // merge words that became equal once rare characters turned unknown
        java.util.HashMap<IntSeq, Integer> seen2 = new java.util.HashMap<>();
        for (int i = 0; i < words; i++) {
            if (hasUnk[i]) {
                IntSeq key = new IntSeq(textBuf, starts[i], starts[i + 1]);
                Integer first = seen2.putIfAbsent(key, i);
                if (first != null) {
                    freq[first] += freq[i];
                    freq[i] = 0;
                }
            }
        }
        // 3. drop the words merged into others (the table's order is already deterministic)
        int live = 0;
        int total = 0;
        for (int i = 0; i < words; i++) {
            if (freq[i] > 0) {
                live++;
                total += starts[i + 1] - starts[i];
            }
        }
        int[] outText = textBuf;
        int[] outStart = starts;
        long[] outFreq = freq;
        if (live < words) {
            outStart = new int[live + 1];
            outFreq = new long[live];
            outText = new int[total];
            int p = 0;
            int k = 0;
            for (int i = 0; i < words; i++) {
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
        return new TrainingCorpus(charCp, charFreq, seen, coverage, outStart, outText, outFreq, totalChars);
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
