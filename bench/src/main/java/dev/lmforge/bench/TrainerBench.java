package dev.lmforge.bench;

import dev.lmforge.trainer.model.Evaluation;
import dev.lmforge.trainer.model.LstmConfig;
import dev.lmforge.trainer.model.LstmLanguageModel;
import dev.lmforge.trainer.model.RuntimeOptions;
import dev.lmforge.trainer.model.TokenSource;
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
 *   <li>{@code prepare EUROPARL.gz OUT_DIR VOCAB}: the English documents of the Europarl sample,
 *       lower-cased and split into words and punctuation, each document ended by {@code <eos>}; the
 *       top VOCAB − 2 words plus {@code <unk>} (0) and {@code <eos>} (1); every 10th document held out.
 *       Writes train.bin and valid.bin (int32 little-endian, read by both frameworks) and vocab.txt.</li>
 *   <li>{@code init DATA_DIR VOCAB}: the model's seeded initial weights in the PyTorch peer's order
 *       (init.bin), so that both frameworks start from the same point.</li>
 *   <li>{@code run DATA_DIR VOCAB EPOCHS [MAX_STEPS]}: Zaremba "small" (2 × 200, bptt 20, batch 20,
 *       SGD lr 1, clip 5, no dropout) for EPOCHS epochs; prints one line of key=value pairs: training
 *       tokens/s, held-out perplexity, GFLOP/s of the training step (matrix products of forward and
 *       backward), peak resident memory of the process.</li>
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
            case "prepare" -> prepare(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
            case "init" -> init(Path.of(args[1]), Integer.parseInt(args[2]));
            case "run" -> run(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), args.length > 4 ? Integer.parseInt(args[4]) : 0);
            case "matmul" -> matmul();
            default -> {
                System.err.println("usage: TrainerBench prepare EUROPARL.gz OUT_DIR VOCAB | init DATA_DIR VOCAB | run DATA_DIR VOCAB EPOCHS [MAX_STEPS] | matmul");
                System.exit(2);
            }
        }
    }

    static LstmConfig config(int vocab) {
        return LstmConfig.zarembaSmall(vocab, 1234);
    }

    // ------------------------------------------------------------------------------------ data

    static void prepare(Path europarl, Path out, int vocab) throws IOException {
        List<List<String>> docs = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(europarl)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String[] fields = line.split("\t", 3);
                if (fields.length < 3) {
                    continue;
                }
                List<String> words = new ArrayList<>();
                Matcher m = TOKEN.matcher(fields[2].toLowerCase(Locale.ROOT));
                while (m.find()) {
                    words.add(m.group());
                }
                long english = words.stream().filter(ENGLISH::contains).count();
                if (words.size() > 20 && english > 0.2 * words.size()) {
                    docs.add(words);
                }
            }
        }
        Map<String, Integer> counts = new HashMap<>();
        for (int d = 0; d < docs.size(); d++) {
            if (d % 10 != 9) {
                for (String w : docs.get(d)) {
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
        long[] sizes = new long[2];
        long unknown = 0;
        try (DataOutputStream train = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(out.resolve("train.bin"))));
                DataOutputStream valid = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(out.resolve("valid.bin"))))) {
            for (int d = 0; d < docs.size(); d++) {
                DataOutputStream target = d % 10 == 9 ? valid : train;
                for (String w : docs.get(d)) {
                    int id = ids.getOrDefault(w, 0);
                    unknown += id == 0 ? 1 : 0;
                    target.writeInt(Integer.reverseBytes(id));
                    sizes[d % 10 == 9 ? 1 : 0]++;
                }
                target.writeInt(Integer.reverseBytes(1));
                sizes[d % 10 == 9 ? 1 : 0]++;
            }
        }
        System.out.printf("documents=%d train_tokens=%d valid_tokens=%d vocab=%d unk_rate=%.4f%n", docs.size(), sizes[0], sizes[1], table.size(),
                unknown / (double) (sizes[0] + sizes[1]));
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

    static void run(Path data, int vocab, int epochs, int maxSteps) throws IOException {
        LstmConfig config = config(vocab);
        int[] train = readTokens(data.resolve("train.bin"));
        int[] valid = readTokens(data.resolve("valid.bin"));
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
        long tokens = 0;
        long steps = 0;
        double seconds = 0;
        float firstLoss = Float.NaN;
        double lastLoss = 0;
        try (LstmLanguageModel model = LstmLanguageModel.create(config, options)) {
            TokenWindows windows = new TokenWindows(TokenSource.of(train), config.batchSize(), config.bptt());
            for (int epoch = 0; epoch < epochs; epoch++) {
                model.resetTrainingState();
                long start = System.nanoTime();
                double recent = 0;
                int recentCount = 0;
                int limit = maxSteps > 0 ? Math.min(maxSteps, windows.windowCount()) : windows.windowCount();
                for (int w = 0; w < limit; w++) {
                    TokenWindows.Window window = windows.window(w);
                    float loss = model.trainStep(window, 1f);
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
                System.err.printf("epoch %d: %.1f s, train loss (last 50 steps) %.4f%n", epoch + 1, epochSeconds, lastLoss);
            }
            Evaluation evaluation = maxSteps > 0 ? new Evaluation(Double.NaN, 0) // speed probe: no evaluation
                    : model.evaluate(TokenWindows.of(valid, 10, config.bptt()));
            double gflops = flopsPerStep(config) * steps / seconds / 1e9;
            System.out.printf(Locale.ROOT,
                    "framework=tensorflow-java tokens_per_s=%.1f train_tokens=%d train_seconds=%.2f steps=%d first_loss=%.4f last_loss=%.4f valid_ppl=%.3f valid_tokens=%d gflops=%.2f peak_rss_mb=%d intra=%d inter=%d%n",
                    tokens / seconds, tokens, seconds, steps, firstLoss, lastLoss, evaluation.perplexity(), evaluation.tokens(), gflops,
                    peakRssMb(), options.intraOpThreads(), options.interOpThreads());
        }
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
