package dev.lmforge.tokenizer.sentencepiece;

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
            throw new IOException("interrupted while reading the training text", e);
        }
    }

    private static WordTable get(Future<WordTable> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while counting words", e);
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
     * Open-addressing table from word (without its leading U+2581) to count; looks words up by a
     * range of a line so that only new words allocate.
     */
    static final class WordTable {
        private String[] keys;
        private long[] counts;
        private int[] hashes;
        private int size;
        private int mask;

        WordTable(int capacity) {
            int cap = Integer.highestOneBit(Math.max(16, capacity) - 1) << 1;
            keys = new String[cap];
            counts = new long[cap];
            hashes = new int[cap];
            mask = cap - 1;
        }

        int size() {
            return size;
        }

        String key(int slot) {
            return keys[slot];
        }

        long count(int slot) {
            return counts[slot];
        }

        int capacity() {
            return keys.length;
        }

        /** Counts the words of one normalized line. */
        void addLine(String s) {
            int n = s.length();
            if (n == 0) {
                return;
            }
            int start = 0;
            for (int i = 0; i <= n; i++) {
                if (i == n || s.charAt(i) == ' ' || s.charAt(i) == (char) Scripts.WS) {
                    add(s, start, i, 1);
                    start = i + 1;
                }
            }
        }

        void add(String s, int from, int to, long count) {
            int h = 0;
            for (int i = from; i < to; i++) {
                h = 31 * h + s.charAt(i);
            }
            h *= 0x9E3779B9;
            h ^= h >>> 15;
            int len = to - from;
            int slot = h & mask;
            while (true) {
                String k = keys[slot];
                if (k == null) {
                    keys[slot] = s.substring(from, to);
                    counts[slot] = count;
                    hashes[slot] = h;
                    if (++size * 2 > keys.length) {
                        grow();
                    }
                    return;
                }
                if (hashes[slot] == h && k.length() == len && s.regionMatches(from, k, 0, len)) {
                    counts[slot] += count;
                    return;
                }
                slot = (slot + 1) & mask;
            }
        }

        void addAll(WordTable other) {
            for (int i = 0; i < other.keys.length; i++) {
                if (other.keys[i] != null) {
                    add(other.keys[i], 0, other.keys[i].length(), other.counts[i]);
                }
            }
        }

        private void grow() {
            String[] ok = keys;
            long[] oc = counts;
            int[] oh = hashes;
            int cap = ok.length * 2;
            keys = new String[cap];
            counts = new long[cap];
            hashes = new int[cap];
            mask = cap - 1;
            for (int i = 0; i < ok.length; i++) {
                if (ok[i] != null) {
                    int slot = oh[i] & mask;
                    while (keys[slot] != null) {
                        slot = (slot + 1) & mask;
                    }
                    keys[slot] = ok[i];
                    counts[slot] = oc[i];
                    hashes[slot] = oh[i];
                }
            }
        }
    }
}
