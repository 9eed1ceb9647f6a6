package dev.lmforge.bench;

import dev.lmforge.api.v1.Channel;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.preprocess.service.CorpusPipeline;
import dev.lmforge.preprocess.service.InputLimits;
import dev.lmforge.preprocess.text.LanguageIdentifier;
import dev.lmforge.preprocess.service.IncomingFile;
import dev.lmforge.preprocess.service.Split;
import dev.lmforge.preprocess.text.StopWords;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * Preprocess throughput and peak heap on a large corpus, in-process (the pipeline without the
 * network), against a baseline measured in the same run: reading and UTF-8-decoding the same file
 * line by line. Usage: PreprocessBench generate SOURCE.gz TARGET MB | run CORPUS | baseline CORPUS (prints MB/s).
 */
public final class PreprocessBench {

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("generate")) {
            generate(Path.of(args[1]), Path.of(args[2]), Long.parseLong(args[3]) << 20);
        } else if (args.length == 2 && args[0].equals("run")) {
            run(Path.of(args[1]));
        } else if (args.length == 2 && args[0].equals("baseline")) {
            baseline(Path.of(args[1]));
            System.out.printf("%.1f%n", Files.size(Path.of(args[1])) / 1e6 / baseline(Path.of(args[1])));
        } else {
            System.err.println("usage: PreprocessBench generate EUROPARL.gz TARGET MB | run CORPUS | baseline CORPUS");
            System.exit(2);
        }
    }

    /**
     * Repeats the Europarl bodies with each copy's words perturbed (a seeded shuffle of a few word
     * pairs per paragraph), so deduplication keeps them, until the target size is reached.
     */
    static void generate(Path europarl, Path target, long bytes) throws Exception {
        List<String> bodies = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(new GZIPInputStream(Files.newInputStream(europarl)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split("\t", 3);
                if (f.length == 3) {
                    bodies.add(f[2]);
                }
            }
        }
        Random random = new Random(42);
        long written = 0;
        try (BufferedWriter w = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            for (int copy = 0; written < bytes; copy++) {
                for (String body : bodies) {
                    String[] words = body.split(" ");
                    if (copy > 0) {
                        for (int k = 0; k < 3 && words.length > 1; k++) {
                            int i = random.nextInt(words.length);
                            int j = random.nextInt(words.length);
                            String t = words[i];
                            words[i] = words[j];
                            words[j] = t;
                        }
                    }
                    String line = String.join(" ", words);
                    w.write(line);
                    w.write('\n');
                    written += line.getBytes(StandardCharsets.UTF_8).length + 1;
                    if (written >= bytes) {
                        break;
                    }
                }
            }
        }
        System.out.printf("generated %s: %.1f MB%n", target, written / 1e6);
    }

    static void run(Path corpus) throws Exception {
        double mb = Files.size(corpus) / 1e6;
        System.out.printf("corpus: %s, %.1f MB; max heap %d MB; %d cores%n", corpus, mb,
                Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());

        // Warm-up on a 20 MB slice, so the JIT and the lazily loaded models count against neither side.
        pipeline(corpus, CorpusSpec.getDefaultInstance(), 20_000_000);

        double baseSeconds = baseline(corpus);
        report("baseline: read + UTF-8 decode", mb, baseSeconds, baseSeconds);
        double defaultSeconds = pipeline(corpus, CorpusSpec.getDefaultInstance(), Long.MAX_VALUE);
        report("pipeline, default options", mb, defaultSeconds, baseSeconds);
        CorpusSpec all = CorpusSpec.newBuilder().setCleaning(dev.lmforge.api.v1.CleaningOptions.newBuilder()
                .setLowercase(true).setRemoveStopwords(true).setFoldNumbers(true).setFoldUrls(true).setFoldEmails(true)).build();
        double allSeconds = pipeline(corpus, all, Long.MAX_VALUE);
        report("pipeline, lowercase + stop words + folding", mb, allSeconds, baseSeconds);
    }

    static void report(String what, double mb, double seconds, double baseSeconds) {
        System.out.printf("%-45s %7.1f MB/s  %6.1f s  ratio to baseline %.2f  peak heap %5d MB%n",
                what, mb / seconds, seconds, baseSeconds / seconds, HeapPeaks.peakMb());
    }

    static double baseline(Path corpus) throws Exception {
        HeapPeaks.reset();
        long t = System.nanoTime();
        long chars = 0;
        try (BufferedReader r = Files.newBufferedReader(corpus, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                chars += line.length();
            }
        }
        if (chars == 0) {
            throw new IllegalStateException("empty corpus");
        }
        return (System.nanoTime() - t) / 1e9;
    }

    static double pipeline(Path corpus, CorpusSpec spec, long limitBytes) throws Exception {
        HeapPeaks.reset();
        CorpusPipeline p = new CorpusPipeline(spec, new CorpusPipeline.Settings(4 << 20, 64L << 20, 512, 2_000_000, 16, 500, 50, 64,
                new InputLimits(10L << 30, 100, 16L << 20, 1000)),
                new LanguageIdentifier(), new StopWords());
        Map<Split, OutputStream> sinks = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            sinks.put(s, OutputStream.nullOutputStream());
        }
        InputStream in = new BoundedInputStream(Files.newInputStream(corpus), limitBytes);
        List<IncomingFile> files = new ArrayList<>(List.of(new IncomingFile(corpus.getFileName().toString(), Channel.CHANNEL_UNSPECIFIED, in)));
        long t = System.nanoTime();
        try (in) {
            CorpusPipeline.Result r = p.run(() -> files.isEmpty() ? null : files.remove(0), sinks);
            if (r.stats().getLines() == 0) {
                throw new IllegalStateException("nothing kept");
            }
        }
        return (System.nanoTime() - t) / 1e9;
    }

    /** The first {@code limit} bytes of a stream. */
    static final class BoundedInputStream extends java.io.FilterInputStream {
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws java.io.IOException {
            if (left <= 0) {
                return -1;
            }
            left--;
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
