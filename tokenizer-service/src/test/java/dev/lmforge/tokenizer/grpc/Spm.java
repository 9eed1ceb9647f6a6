package dev.lmforge.tokenizer.grpc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The reference: Debian's spm_train and spm_encode (package sentencepiece, which .ci/run installs). */
final class Spm {

    private Spm() {
    }

    static List<int[]> encode(Path model, List<String> lines) throws IOException, InterruptedException {
        Path in = Files.createTempFile("spm-in", ".txt");
        Files.write(in, lines, StandardCharsets.UTF_8);
        String out = run("spm_encode", "--model=" + model, "--output_format=id", "--input=" + in);
        List<int[]> ids = new ArrayList<>();
        for (String line : out.split("\n", -1)) {
            if (ids.size() < lines.size()) {
                ids.add(line.isBlank() ? new int[0] : Arrays.stream(line.trim().split(" ")).mapToInt(Integer::parseInt).toArray());
            }
        }
        return ids;
    }

    static Path train(Path text, int vocabSize, String type) throws IOException, InterruptedException {
        Path prefix = Files.createTempDirectory("spm").resolve("m");
        run("spm_train", "--input=" + text, "--model_prefix=" + prefix, "--vocab_size=" + vocabSize, "--model_type=" + type,
                "--minloglevel=2");
        return Path.of(prefix + ".model");
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit status " + p.exitValue());
        }
        return out;
    }
}
