package dev.lmforge.bench;

import ai.djl.sentencepiece.SpTokenizer;
import dev.lmforge.tokenizer.sentencepiece.SentencePieceModels;
import dev.lmforge.common.text.SentencePieceNormalizer;
import dev.lmforge.tokenizer.sentencepiece.SentencePieceTrainer;
import dev.lmforge.tokenizer.sentencepiece.SentencePieceTrainer.ModelType;
import dev.lmforge.tokenizer.sentencepiece.SentencePieceTrainer.Options;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * SentencePiece training and encoding against SentencePiece's own tools, measured in the same run on
 * the same files:
 * <ul>
 * <li>training time of our BPE and unigram trainers (in-process, JVM warmed up on a small slice) vs
 * {@code spm_train} with its default threads, at vocabulary 8k and 32k, plus the compression of each
 * model (tokens per character on held-out text);</li>
 * <li>encoding throughput of DJL's SpTokenizer (our models) vs {@code spm_encode} on the same
 * normalized text.</li>
 * </ul>
 * Both trainers see the same raw text and normalize it themselves (ours: {@code SentencePieceNormalizer};
 * spm_train: its default nmt_nfkc), and both use every line: spm_train gets
 * {@code --max_sentence_length} raised, since it skips lines over 4192 bytes by default.
 *
 * <p>Usage: SentencePieceBench generate EUROPARL.gz CORPUS HELDOUT MB | run CORPUS HELDOUT WORKDIR
 */
public final class SentencePieceBench {

    static final int[] VOCABS = {8000, 32000};

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        if (args.length == 5 && args[0].equals("generate")) {
            generate(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), Long.parseLong(args[4]) * 1_000_000);
        } else if (args.length == 4 && args[0].equals("run")) {
            run(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
        } else {
            System.err.println("usage: SentencePieceBench generate EUROPARL.gz CORPUS HELDOUT MB | run CORPUS HELDOUT WORKDIR");
            System.exit(2);
        }
    }

    /**
     * Training corpus: the Europarl documents (title and body) except every tenth, which is held out;
     * if that is short of the target size, perturbed copies (a few word pairs swapped per document)
     * are appended until it is reached.
     */
    static void generate(Path europarl, Path corpus, Path heldout, long bytes) throws IOException {
        List<String> train = new ArrayList<>();
        List<String> held = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(europarl)), StandardCharsets.UTF_8))) {
            String line;
            int i = 0;
            while ((line = r.readLine()) != null) {
                String[] f = line.split("\t", 3);
                if (f.length < 3) {
                    continue;
                }
                String doc = f[0] + " " + f[2];
                (i++ % 10 == 0 ? held : train).add(doc);
            }
        }
        Files.write(heldout, held, StandardCharsets.UTF_8);
        Random random = new Random(42);
        long written = 0;
        try (BufferedWriter w = Files.newBufferedWriter(corpus, StandardCharsets.UTF_8)) {
            for (int copy = 0; written < bytes; copy++) {
                for (String doc : train) {
                    String line = doc;
                    if (copy > 0) {
                        String[] words = doc.split(" ");
                        for (int k = 0; k < 3 && words.length > 1; k++) {
                            int a = random.nextInt(words.length);
                            int b = random.nextInt(words.length);
                            String t = words[a];
                            words[a] = words[b];
                            words[b] = t;
                        }
                        line = String.join(" ", words);
                    }
                    w.write(line);
                    w.write('\n');
                    written += line.getBytes(StandardCharsets.UTF_8).length + 1;
                    if (copy > 0 && written >= bytes) {
                        break;
                    }
                }
            }
        }
        System.out.printf("generated %s: %.1f MB (held out: %s, %.1f MB)%n", corpus, written / 1e6, heldout, Files.size(heldout) / 1e6);
    }

    static void run(Path corpus, Path heldout, Path work) throws Exception {
        Files.createDirectories(work);
        double mb = Files.size(corpus) / 1e6;
        System.out.printf("corpus %s: %.1f MB, %d lines; held out %.1f MB; %d cores; max heap %d MB%n", corpus.getFileName(), mb, lines(corpus),
                Files.size(heldout) / 1e6, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        System.out.println("spm_train: " + version() + ", default threads, --max_sentence_length=1000000 (uses every line, as ours does)");

        // the held-out text, normalized once, for compression figures
        List<String> heldLines = normalizedLines(heldout);
        Path heldNorm = work.resolve("heldout.norm.txt");
        Files.write(heldNorm, heldLines, StandardCharsets.UTF_8);
        long heldChars = 0;
        for (String l : heldLines) {
            heldChars += l.codePointCount(0, l.length());
        }

        // warm-up: the JIT compiles the trainers on a 2 MB slice first (a service's JVM is warm)
        Path slice = work.resolve("warmup.txt");
        writeHead(corpus, slice, 2_000_000);
        long tw = System.nanoTime();
        SentencePieceTrainer.train(slice, Options.of(ModelType.BPE, 2000));
        SentencePieceTrainer.train(slice, Options.of(ModelType.UNIGRAM, 2000));
        System.out.printf("warm-up (BPE + unigram, 2 MB, vocab 2000): %.1f s%n%n", (System.nanoTime() - tw) / 1e9);

        System.out.println("-- training time (same input, same vocab) and compression on held-out text");
        System.out.printf("%-8s %6s  %9s %9s  %-14s  %10s %10s  %-12s  %s%n", "type", "vocab", "ours s", "spm s", "ours/spm time", "ours tok/ch", "spm tok/ch",
                "ours/spm tok", "our peak heap");
        List<byte[]> ourModels = new ArrayList<>();
        for (int vocab : VOCABS) {
            for (ModelType type : ModelType.values()) {
                HeapPeaks.reset();
                long t0 = System.nanoTime();
                byte[] ours = SentencePieceTrainer.train(corpus, Options.of(type, vocab));
                double oursSeconds = (System.nanoTime() - t0) / 1e9;
                long heap = HeapPeaks.peakMb();
                SentencePieceModels.inspect(ours);
                Path oursPath = work.resolve("ours_" + type.name().toLowerCase() + "_" + vocab + ".model");
                Files.write(oursPath, ours);
                if (vocab == VOCABS[0]) {
                    ourModels.add(ours);
                }

                String prefix = work.resolve("spm_" + type.name().toLowerCase() + "_" + vocab).toString();
                long t1 = System.nanoTime();
                exec(List.of("spm_train", "--input=" + corpus, "--model_prefix=" + prefix, "--vocab_size=" + vocab,
                        "--model_type=" + type.name().toLowerCase(), "--max_sentence_length=1000000"), null, work.resolve("spm_train.log"));
                double spmSeconds = (System.nanoTime() - t1) / 1e9;

                long oursTokens = spmEncodeTokens(oursPath, heldNorm, work);
                long spmTokens = spmEncodeTokens(Path.of(prefix + ".model"), heldNorm, work);
                System.out.printf("%-8s %6d  %9.1f %9.1f  %-14s  %10.4f %10.4f  %-12s  %d MB%n", type, vocab, oursSeconds, spmSeconds,
                        String.format("%.2fx", oursSeconds / spmSeconds), (double) oursTokens / heldChars, (double) spmTokens / heldChars,
                        String.format("%.4f", (double) oursTokens / spmTokens), heap);
            }
        }

        System.out.println();
        System.out.println("-- encoding throughput: DJL SpTokenizer (in-process) vs spm_encode (a process), our vocab-" + VOCABS[0] + " models, normalized corpus");
        List<String> corpusLines = normalizedLines(corpus);
        Path corpusNorm = work.resolve("corpus.norm.txt");
        Files.write(corpusNorm, corpusLines, StandardCharsets.UTF_8);
        double normMb = Files.size(corpusNorm) / 1e6;
        int k = 0;
        for (ModelType type : ModelType.values()) {
            byte[] model = ourModels.get(k++);
            Path modelPath = work.resolve("ours_" + type.name().toLowerCase() + "_" + VOCABS[0] + ".model");
            long tokens = 0;
            try (SpTokenizer tokenizer = new SpTokenizer(model)) {
                for (int i = 0; i < Math.min(2000, corpusLines.size()); i++) {
                    tokenizer.getProcessor().encode(corpusLines.get(i)); // warm-up
                }
                long t0 = System.nanoTime();
                for (String line : corpusLines) {
                    tokens += tokenizer.getProcessor().encode(line).length;
                }
                double djl = (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                exec(List.of("spm_encode", "--model=" + modelPath, "--output_format=id"), corpusNorm, work.resolve("ids.txt"));
                double spm = (System.nanoTime() - t1) / 1e9;
                System.out.printf("%-8s DJL %6.1f MB/s (%5.1f s, %d tokens)   spm_encode %6.1f MB/s (%5.1f s)   DJL/spm_encode throughput %.2fx%n",
                        type, normMb / djl, djl, tokens, normMb / spm, spm, spm / djl);
            }
        }
    }

    static long spmEncodeTokens(Path model, Path text, Path work) throws IOException, InterruptedException {
        Path out = work.resolve("ids.txt");
        exec(List.of("spm_encode", "--model=" + model, "--output_format=id"), text, out);
        long n = 0;
        try (BufferedReader r = Files.newBufferedReader(out)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    n += line.trim().split(" ").length;
                }
            }
        }
        return n;
    }

    static void exec(List<String> cmd, Path stdin, Path stdout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        pb.redirectOutput(stdout.toFile());
        Path err = stdout.resolveSibling(stdout.getFileName() + ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(2, TimeUnit.HOURS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(cmd + " failed; see " + err);
        }
    }

    static String version() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("dpkg-query", "-W", "-f=${Version}", "sentencepiece").redirectErrorStream(true).start();
        String v;
        try (InputStream in = p.getInputStream()) {
            v = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
        p.waitFor();
        return "sentencepiece " + (v.isEmpty() ? "(version unknown)" : v);
    }

    static List<String> normalizedLines(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                String n = SentencePieceNormalizer.normalize(line);
                if (!n.isEmpty()) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    static long lines(Path file) throws IOException {
        try (var s = Files.lines(file, StandardCharsets.UTF_8)) {
            return s.count();
        }
    }

    static void writeHead(Path from, Path to, long bytes) throws IOException {
        long n = 0;
        try (BufferedReader r = Files.newBufferedReader(from, StandardCharsets.UTF_8); BufferedWriter w = Files.newBufferedWriter(to, StandardCharsets.UTF_8)) {
            String line;
            while (n < bytes && (line = r.readLine()) != null) {
                w.write(line);
                w.write('\n');
                n += line.length() + 1;
            }
        }
    }
}
