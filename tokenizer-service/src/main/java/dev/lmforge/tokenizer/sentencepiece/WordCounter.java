package dev.lmforge.tokenizer.sentencepiece;

import dev.lmforge.common.text.SentencePieceNormalizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Streams a UTF-8 text file line by line, normalizes each line ({@link SentencePieceNormalizer}) and
 * counts its pre-tokenized words as SentencePiece splits them: a word starts at the beginning of the
 * line, at each space and at each literal U+2581, and is stored without its leading mark. Memory
 * grows with the number of distinct words, not with the file. Normalization runs on several
 * threads, each with its own table; the tables are merged at the end.
 */
final class WordCounter {

    /** Seed of the line sampler (spm's is 12345678 too). */
    static final long SAMPLE_SEED = 12345678L;

    private static final String[] POISON = new String[0];

    private WordCounter() {
    }

    record Result(WordTable words, long lines, long sampledLines) {
    }

    static Result count(Path input, long sentenceLimit, int threads) throws IOException {
        threads = Math.max(1, threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sp-word-count");
            t.setDaemon(true);
            return t;
        });
        try {
            BlockingQueue<String[]> queue = new ArrayBlockingQueue<>(threads * 4);
            List<Future<WordTable>> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(pool.submit(() -> {
                    WordTable table = new WordTable(1 << 16);
                    while (true) {
                        String[] batch = queue.take();
                        if (batch == POISON) {
                            return table;
                        }
                        for (String line : batch) {
                            if (line != null) {
                                table.addLine(SentencePieceNormalizer.normalize(line));
                            }
                        }
                    }
                }));
            }
            long lines = 0;
            long sampled;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(input), StandardCharsets.UTF_8), 1 << 16)) {
                if (sentenceLimit > 0) {
                    // Reservoir sample of sentenceLimit non-empty lines (like spm's input_sentence_size).
                    int cap = (int) Math.min(sentenceLimit, Integer.MAX_VALUE - 8);
                    List<String> reservoir = new ArrayList<>();
                    Random random = new Random(SAMPLE_SEED);
                    String line;
                    while ((line = reader.readLine()) != null) {
                        if (line.isEmpty()) {
                            continue;
                        }
                        lines++;
                        if (reservoir.size() < cap) {
                            reservoir.add(line);
                        } else {
                            long j = (long) (random.nextDouble() * lines);
                            if (j < cap) {
                                reservoir.set((int) j, line);
                            }
                        }
                    }
                    sampled = reservoir.size();
                    for (int i = 0; i < reservoir.size(); i += 1024) {
                        put(queue, workers, reservoir.subList(i, Math.min(reservoir.size(), i + 1024)).toArray(new String[0]));
                    }
                } else {
                    String[] batch = new String[1024];
                    int n = 0;
                    long chars = 0;
                    String line;
                    while ((line = reader.readLine()) != null) {
                        if (line.isEmpty()) {
                            continue;
                        }
                        lines++;
                        batch[n++] = line;
                        chars += line.length();
                        if (n == batch.length || chars > (1 << 20)) {
                            put(queue, workers, n == batch.length ? batch : java.util.Arrays.copyOf(batch, n));
                            batch = new String[1024];
                            n = 0;
                            chars = 0;
                        }
                    }
                    if (n > 0) {
                        put(queue, workers, java.util.Arrays.copyOf(batch, n));
                    }
                    sampled = lines;
                }
            }
            for (int i = 0; i < threads; i++) {
                put(queue, workers, POISON);
            }
            WordTable merged = null;
            for (Future<WordTable> f : workers) {
                WordTable t = get(f);
                if (merged == null || t.size() > merged.size()) {
                    if (merged != null) {
                        t.addAll(merged);
                    }
                    merged = t;
                } else {
                    merged.addAll(t);
                }
            }
            return new Result(merged, lines, sampled);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void put(BlockingQueue<String[]> queue, List<Future<WordTable>> workers, String[] batch) throws IOException {
        try {
            while (!queue.offer(batch, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                for (Future<WordTable> f : workers) {
                    if (f.isDone()) {
                        get(f); // surfaces a worker failure
                        throw new IllegalStateException("word counter stopped early");
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw (IOException) new java.io.InterruptedIOException("interrupted while reading the training text").initCause(e);
        }
    }

    private static WordTable get(Future<WordTable> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw (IOException) new java.io.InterruptedIOException("interrupted while counting words").initCause(e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            if (c instanceof IOException io) {
                throw io;
            }
            throw new UncheckedIOException(new IOException(c));
        }
    }

    /**
     * Open-addressing table from word (without its leading U+2581) to count. Each slot holds the
     * word's hash, the offset of its characters in one shared char arena, and its count, in two
     * adjacent longs, so that a lookup touches one slot and one run of characters; only new words
     * copy anything.
     */
    static final class WordTable {
        private long[] tab; // [2s] = hash << 32 | arena offset, [2s + 1] = count (0: empty slot)
        private char[] arena = new char[1 << 16];
        private int arenaSize;
        private int size;
        private int mask;
        private char[] buf = new char[256];

        WordTable(int capacity) {
            int cap = Integer.highestOneBit(Math.max(16, capacity) - 1) << 1;
            tab = new long[cap * 2];
            mask = cap - 1;
        }

        int size() {
            return size;
        }

        /** Counts the words of one normalized line. */
        void addLine(String s) {
            int n = s.length();
            if (n == 0) {
                return;
            }
            if (buf.length < n) {
                buf = new char[Math.max(n, buf.length * 2)];
            }
            char[] b = buf;
            s.getChars(0, n, b, 0);
            int start = 0;
            int h = 0;
            for (int i = 0; i < n; i++) {
                char c = b[i];
                if (c == ' ' || c == (char) Scripts.WS) {
                    add(b, start, i, h, 1);
                    start = i + 1;
                    h = 0;
                } else {
                    h = 31 * h + c;
                }
            }
            add(b, start, n, h, 1);
        }

        private static int finish(int h) {
            h *= 0x9E3779B9;
            return h ^ (h >>> 15);
        }

        private void add(char[] b, int from, int to, int rawHash, long count) {
            int h = finish(rawHash);
            int len = to - from;
            int slot = h & mask;
            long hi = (long) h << 32;
            while (true) {
                long meta = tab[2 * slot];
                long cnt = tab[2 * slot + 1];
                if (cnt == 0) {
                    int off = store(b, from, len);
                    tab[2 * slot] = hi | (off & 0xffffffffL);
                    tab[2 * slot + 1] = count;
                    if (++size * 2 > mask + 1) {
                        grow();
                    }
                    return;
                }
                if ((meta & 0xffffffff00000000L) == hi && equalsAt((int) meta, b, from, len)) {
                    tab[2 * slot + 1] = cnt + count;
                    return;
                }
                slot = (slot + 1) & mask;
            }
        }

        private boolean equalsAt(int off, char[] b, int from, int len) {
            char[] a = arena;
            if (((a[off] << 16) | a[off + 1]) != len) {
                return false;
            }
            return java.util.Arrays.equals(a, off + 2, off + 2 + len, b, from, from + len);
        }

        private int store(char[] b, int from, int len) {
            if (arenaSize + len + 2 > arena.length) {
                long want = Math.max((long) arena.length * 2, (long) arenaSize + len + 2);
                if (want > Integer.MAX_VALUE - 16) {
                    throw new IllegalStateException("too many distinct words: use inputSentenceLimit to sample fewer lines");
                }
                arena = java.util.Arrays.copyOf(arena, (int) want);
            }
            int off = arenaSize;
            arena[off] = (char) (len >>> 16);
            arena[off + 1] = (char) len;
            System.arraycopy(b, from, arena, off + 2, len);
            arenaSize += len + 2;
            return off;
        }

        void addAll(WordTable other) {
            long[] t = other.tab;
            for (int s = 0; s < t.length; s += 2) {
                if (t[s + 1] != 0) {
                    int off = (int) t[s];
                    int len = (other.arena[off] << 16) | other.arena[off + 1];
                    int raw = 0;
                    for (int i = off + 2; i < off + 2 + len; i++) {
                        raw = 31 * raw + other.arena[i];
                    }
                    add(other.arena, off + 2, off + 2 + len, raw, t[s + 1]);
                }
            }
        }

        private void grow() {
            long[] old = tab;
            int cap = (mask + 1) * 2;
            tab = new long[cap * 2];
            mask = cap - 1;
            for (int s = 0; s < old.length; s += 2) {
                if (old[s + 1] != 0) {
                    int slot = (int) (old[s] >>> 32) & mask;
                    while (tab[2 * slot + 1] != 0) {
                        slot = (slot + 1) & mask;
                    }
                    tab[2 * slot] = old[s];
                    tab[2 * slot + 1] = old[s + 1];
                }
            }
        }

        /** The words and counts, in an order that depends only on the words (hash, then text). */
        Entries entries() {
            long[] order = new long[size];
            int n = 0;
            for (int s = 0; s < tab.length; s += 2) {
                if (tab[s + 1] != 0) {
                    order[n++] = (tab[s] & 0xffffffff00000000L) | (s >>> 1);
                }
            }
            java.util.Arrays.sort(order);
            // equal hashes (rare) sort by text so that the order never depends on insertion order
            for (int i = 0; i < n; ) {
                int j = i + 1;
                while (j < n && (order[j] >>> 32) == (order[i] >>> 32)) {
                    j++;
                }
                if (j - i > 1) {
                    Long[] run = new Long[j - i];
                    for (int k = i; k < j; k++) {
                        run[k - i] = order[k];
                    }
                    java.util.Arrays.sort(run, (x, y) -> key((int) (long) x).compareTo(key((int) (long) y)));
                    for (int k = i; k < j; k++) {
                        order[k] = run[k - i];
                    }
                }
                i = j;
            }
            String[] words = new String[n];
            long[] counts = new long[n];
            for (int i = 0; i < n; i++) {
                int slot = (int) order[i];
                words[i] = key(slot);
                counts[i] = tab[2 * slot + 1];
            }
            return new Entries(words, counts);
        }

        private String key(int slot) {
            int off = (int) tab[2 * slot];
            int len = (arena[off] << 16) | arena[off + 1];
            return new String(arena, off + 2, len);
        }
    }

    record Entries(String[] words, long[] counts) {
    }
}
