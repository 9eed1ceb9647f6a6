package dev.lmforge.bench;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.GenerateRequest;
import dev.lmforge.api.v1.GenerateResponse;
import dev.lmforge.api.v1.GetModelRequest;
import dev.lmforge.api.v1.InferenceServiceGrpc;
import dev.lmforge.api.v1.ListModelsRequest;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.ModelState;
import dev.lmforge.api.v1.PredictRequest;
import dev.lmforge.api.v1.SetEndpointModelRequest;
import dev.lmforge.api.v1.TokenSequence;
import dev.lmforge.common.naming.ModelSignatures;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.inference.engine.DjlTensorFlowRuntime;
import dev.lmforge.inference.engine.LanguageModelRuntime;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import io.grpc.ManagedChannel;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Serving benchmark (bench/inference.sh runs it against a running inference-service). Every goal is
 * checked against baselines measured in the same run:
 * <ul>
 *   <li>{@code forward MODEL_DIR INTRA INTER SPINNING}: in-process TensorFlow alone, in a JVM of its own
 *       (TensorFlow sizes its thread pools once per process): the next-token forward pass at batch 1
 *       through next_token and through serving_default, batches of 32 from one and from two threads,
 *       and the CPU time each pass burns; one row of the session-options table;</li>
 *   <li>{@code sweep MODEL_DIR VERSION PORT MANAGEMENT_PORT SECONDS INTRA INTER SPINNING}: the baselines
 *       (in-process forward and stateful step, opened as the service opens the model; a no-op RPC,
 *       grpc.health.v1.Health/Check, and an authenticated one, GetModel, on the same server), then
 *       Predict at 1, 8, 32 and 64 clients (client and server percentiles, GC per request), then
 *       Generate at one client; prints P3a, P3c and P3d;</li>
 *   <li>{@code throughput VERSION PORT SECONDS CLIENTS}: Predict requests/s only (run against a
 *       service with batching and one without, for P3b);</li>
 *   <li>{@code noop PORT SECONDS CLIENTS}: requests/s of the no-op RPC, the ceiling of any Predict
 *       throughput on this machine.</li>
 * </ul>
 */
public final class InferenceBench {

    /** An end of line and ten words: what a client asks after a short sentence. */
    private static final int[] CONTEXT = IntStream.rangeClosed(5, 14).toArray();
    private static final int GENERATED_TOKENS = 100;
    private static final long WARM_UP_NANOS = 3_000_000_000L;

    private InferenceBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "forward" -> forward(Path.of(args[1]), session(args, 2));
            case "sweep" -> sweep(Path.of(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    session(args, 6));
            case "throughput" -> {
                Load r = predictLoad(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
                System.out.printf(Locale.ROOT, "throughput %.1f requests/s (p50 %.2f ms, p99 %.2f ms, %d clients)%n", r.perSecond, r.p50, r.p99, r.clients);
            }
            case "noop" -> {
                double perSecond = noOpThroughput(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                System.out.printf(Locale.ROOT, "noop %.1f requests/s (%s clients)%n", perSecond, args[3]);
            }
            default -> throw new IllegalArgumentException("forward, sweep, throughput or noop, not " + args[0]);
        }
    }

    private static DjlTensorFlowRuntime.SessionOptions session(String[] args, int from) {
        return new DjlTensorFlowRuntime.SessionOptions(Integer.parseInt(args[from]), Integer.parseInt(args[from + 1]), Boolean.parseBoolean(args[from + 2]));
    }

    // ---- in process ----

    private static ModelCard card(Path modelDir) throws Exception {
        return ProtoJson.merge(Files.readAllBytes(modelDir.resolve("manifest.json")), ModelCard.newBuilder()).build();
    }

    private static DjlTensorFlowRuntime open(Path modelDir, List<String> signatures, DjlTensorFlowRuntime.SessionOptions session) throws Exception {
        ModelCard card = card(modelDir);
        return new DjlTensorFlowRuntime(modelDir, card.getVocabSize(), card.getNumLayers(), card.getHiddenSize(), signatures, session, 1024);
    }

    private static int[] contextIds(ModelCard card) {
        int[] ids = new int[CONTEXT.length + 1];
        ids[0] = card.getEosId();
        System.arraycopy(CONTEXT, 0, ids, 1, CONTEXT.length);
        return ids;
    }

    /** One session-options row: batch-1 latency by signature, batch-32 throughput from one and two threads, CPU per pass. */
    private static void forward(Path modelDir, DjlTensorFlowRuntime.SessionOptions session) throws Exception {
        ModelCard card = card(modelDir);
        int[] ids = contextIds(card);
        try (DjlTensorFlowRuntime lastOnly = open(modelDir, card.getSignaturesList(), session);
                DjlTensorFlowRuntime everyPosition = open(modelDir, List.of(ModelSignatures.SERVING_DEFAULT, ModelSignatures.STATEFUL), session)) {
            if (!lastOnly.predictsFromLastPositionOnly()) {
                throw new IllegalStateException("model " + modelDir + " has no next_token signature: train it with this version of the trainer");
            }
            Timing nextToken = time(() -> lastOnly.nextTokenLogProbs(new int[][] {ids}, new int[] {ids.length}), 300, 2000);
            Timing servingDefault = time(() -> everyPosition.nextTokenLogProbs(new int[][] {ids}, new int[] {ids.length}), 300, 2000);
            int[][] batch = new int[32][];
            Arrays.fill(batch, ids);
            int[] lengths = new int[32];
            Arrays.fill(lengths, ids.length);
            Timing batch32 = time(() -> lastOnly.nextTokenLogProbs(batch, lengths), 50, 400);
            double twoThreads = concurrentPerSecond(() -> lastOnly.nextTokenLogProbs(batch, lengths), 2, 3_000_000_000L) * 32;
            System.out.printf(Locale.ROOT, "| %d | %d | %s | %.3f | %.3f | %.3f | %.0f | %.0f | %.2f |%n", session.intraOpThreads(), session.interOpThreads(),
                    session.threadSpinning() ? "on" : "off", nextToken.p50, nextToken.cpuPerCall, servingDefault.p50,
                    32_000 / batch32.p50, twoThreads, batch32.cpuPerCall / batch32.p50);
        }
    }

    private record Timing(double p50, double cpuPerCall) {
    }

    /** p50 in ms of a call, after a warm-up, and the process CPU time (ms) it burned per call, on all its threads. */
    private static Timing time(Runnable call, int warmUp, int n) {
        for (int i = 0; i < warmUp; i++) {
            call.run();
        }
        double[] ms = new double[n];
        long cpu = processCpuNanos();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            call.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        double cpuPerCall = (processCpuNanos() - cpu) / 1e6 / n;
        Arrays.sort(ms);
        return new Timing(ms[n / 2], cpuPerCall);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double concurrentPerSecond(Runnable call, int threads, long nanos) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long end = System.nanoTime() + nanos;
            List<Future<Integer>> counts = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                counts.add(pool.submit(() -> {
                    int n = 0;
                    while (System.nanoTime() < end) {
                        call.run();
                        n++;
                    }
                    return n;
                }));
            }
            int total = 0;
            for (Future<Integer> c : counts) {
                total += c.get();
            }
            return total / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    // ---- against the service ----

    private static void sweep(Path modelDir, String version, int port, int managementPort, int seconds, DjlTensorFlowRuntime.SessionOptions session)
            throws Exception {
        ModelCard card = card(modelDir);
        System.out.printf(Locale.ROOT, "model %s: vocabulary %d, %d x %d LSTM, %,d parameters, signatures %s%n", version, card.getVocabSize(),
                card.getNumLayers(), card.getHiddenSize(), card.getParameters(), card.getSignaturesList());
        int[] ids = contextIds(card);
        double forward;
        double step;
        try (DjlTensorFlowRuntime runtime = open(modelDir, card.getSignaturesList(), session)) {
            forward = time(() -> runtime.nextTokenLogProbs(new int[][] {ids}, new int[] {ids.length}), 300, 2000).p50;
            LanguageModelRuntime.State state = runtime.step(ids[0], runtime.initialState()).state();
            step = time(() -> runtime.step(ids[1], state), 300, 2000).p50;
        }
        ManagedChannel channel = BenchCredentials.channel(port);
        double noOp;
        double authenticated;
        try {
            InferenceServiceGrpc.InferenceServiceBlockingStub api = InferenceServiceGrpc.newBlockingStub(channel);
            serveOnBenchEndpoint(api, version);
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
            noOp = time(() -> health.check(HealthCheckRequest.getDefaultInstance()), 1000, 3000).p50;
            GetModelRequest getModel = GetModelRequest.newBuilder().setModelVersion(version).build();
            authenticated = time(() -> api.getModel(getModel), 1000, 3000).p50;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        System.out.printf(Locale.ROOT, "baselines (p50, ms): in-process forward %.3f, in-process stateful step %.3f, no-op RPC (Health/Check) %.3f, "
                + "authenticated no-op RPC (GetModel) %.3f%n", forward, step, noOp, authenticated);

        Metrics metrics = new Metrics(managementPort, version);
        System.out.printf("%-8s %10s %10s %12s %14s %14s %12s%n", "clients", "p50 ms", "p99 ms", "requests/s", "server p50 ms", "server p99 ms", "GC ms/req");
        Load one = null;
        Load most = null;
        for (int clients : new int[] {1, 8, 32, 64}) {
            double gcBefore = metrics.gcSeconds();
            Load r = predictLoad(version, port, seconds, clients);
            double gcPerRequest = (metrics.gcSeconds() - gcBefore) * 1000 / r.requests;
            double[] server = metrics.predictPercentiles();
            System.out.printf(Locale.ROOT, "%-8d %10.3f %10.3f %12.1f %14.3f %14.3f %12.4f%n", clients, r.p50, r.p99, r.perSecond, server[0], server[1], gcPerRequest);
            if (one == null) {
                one = r;
                System.out.printf(Locale.ROOT, "         (1 client during its warm-up, JIT still compiling: p50 %.3f ms)%n", r.warmUpP50);
            }
            most = r;
        }
        double perToken = generateGap(version, port, seconds);
        System.out.printf(Locale.ROOT, "Generate, 1 client, %d tokens a call (temperature 0.8, top_k 50, top_p 0.95): %.3f ms per token (median gap)%n",
                GENERATED_TOKENS, perToken);

        double floor = forward + noOp + 0.2;
        goal("P3a", one.p50, floor, one.p50 <= floor, "ms Predict p50 at 1 client <= in-process forward + no-op RPC + 0.2 ms");
        goal("P3c", most.p99 / most.p50, 3, most.p99 <= 3 * most.p50, "p99 / p50 at 64 clients");
        goal("P3d", perToken / step, 1.2, perToken <= 1.2 * step, "Generate time per token / in-process stateful step");
    }

    /** One line per goal, so that anyone can check the result at a glance. */
    static void goal(String name, double measured, double target, boolean met, String what) {
        System.out.printf(Locale.ROOT, "%s %.3f %.3f %s   (%s)%n", name, measured, target, met ? "met" : "not met", what);
    }

    private record Load(int clients, double p50, double p99, double perSecond, int requests, double warmUpP50) {
    }

    private static Load predictLoad(String version, int port, int seconds, int clients) throws Exception {
        ManagedChannel channel = BenchCredentials.channel(port);
        try {
            InferenceServiceGrpc.InferenceServiceBlockingStub api = InferenceServiceGrpc.newBlockingStub(channel);
            serveOnBenchEndpoint(api, version);
            PredictRequest request = PredictRequest.newBuilder().setEndpoint("bench").setTopK(5)
                    .setTokenIds(TokenSequence.newBuilder().addAllIds(Arrays.stream(CONTEXT).boxed().toList())).build();
            Callable<Object> call = () -> api.withDeadlineAfter(30, TimeUnit.SECONDS).predict(request);
            double[] warmUp = flatten(run(call, clients, WARM_UP_NANOS));
            long start = System.nanoTime();
            double[] all = flatten(run(call, clients, seconds * 1_000_000_000L));
            double elapsed = (System.nanoTime() - start) / 1e9;
            return new Load(clients, all[all.length / 2], all[(int) (all.length * 0.99)], all.length / elapsed, all.length, warmUp[warmUp.length / 2]);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Requests/s of the no-op RPC (Health/Check): what this machine's clients and server manage without any model work. */
    private static double noOpThroughput(int port, int seconds, int clients) throws Exception {
        ManagedChannel channel = BenchCredentials.channel(port);
        try {
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
            Callable<Object> call = () -> health.withDeadlineAfter(30, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
            run(call, clients, WARM_UP_NANOS);
            long start = System.nanoTime();
            int requests = flatten(run(call, clients, seconds * 1_000_000_000L)).length;
            return requests / ((System.nanoTime() - start) / 1e9);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void serveOnBenchEndpoint(InferenceServiceGrpc.InferenceServiceBlockingStub api, String version) throws InterruptedException {
        api.setEndpointModel(SetEndpointModelRequest.newBuilder().setEndpoint(Endpoint.newBuilder().setName("bench").setModelVersion(version)).build());
        // A starting service restores its other endpoints' models in the background: measure once that is done.
        while (api.listModels(ListModelsRequest.getDefaultInstance()).getModelsList().stream()
                .anyMatch(m -> m.getState() == ModelState.MODEL_STATE_LOADING)) {
            Thread.sleep(200);
        }
    }

    /** Median gap between consecutive streamed tokens of Generate calls at one client, after a warm-up. */
    private static double generateGap(String version, int port, int seconds) throws Exception {
        ManagedChannel channel = BenchCredentials.channel(port);
        try {
            InferenceServiceGrpc.InferenceServiceBlockingStub api = InferenceServiceGrpc.newBlockingStub(channel);
            List<Double> gaps = new ArrayList<>();
            long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
            long end = warmUpEnd + seconds * 1_000_000_000L;
            for (long seed = 1; System.nanoTime() < end; seed++) {
                // No end of line ends it early: the prompt asks for a fixed number of tokens, sampled as a chat client samples.
                GenerateRequest request = GenerateRequest.newBuilder().setEndpoint("bench").setPrompt("the european parliament")
                        .setMaxTokens(GENERATED_TOKENS).setTemperature(0.8).setTopK(50).setTopP(0.95).setSeed(seed).build();
                Iterator<GenerateResponse> tokens = api.withDeadlineAfter(60, TimeUnit.SECONDS).generate(request);
                long last = 0;
                boolean measuring = System.nanoTime() > warmUpEnd;
                while (tokens.hasNext()) {
                    tokens.next();
                    long now = System.nanoTime();
                    if (last != 0 && measuring) {
                        gaps.add((now - last) / 1e6);
                    }
                    last = now;
                }
            }
            double[] sorted = gaps.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return sorted[sorted.length / 2];
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static double[] flatten(List<double[]> perClient) {
        return perClient.stream().flatMapToDouble(Arrays::stream).sorted().toArray();
    }

    private static List<double[]> run(Callable<Object> call, int clients, long nanos) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long end = System.nanoTime() + nanos;
        List<Future<double[]>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                double[] ms = new double[1024];
                int n = 0;
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    call.call();
                    if (n == ms.length) {
                        ms = Arrays.copyOf(ms, 2 * n);
                    }
                    ms[n++] = (System.nanoTime() - t) / 1e6;
                }
                return Arrays.copyOf(ms, n);
            }));
        }
        List<double[]> out = new ArrayList<>();
        for (Future<double[]> f : futures) {
            out.add(f.get());
        }
        pool.shutdown();
        return out;
    }

    /** The service's own meters, from its Prometheus endpoint on the management port. */
    private static final class Metrics {
        private final HttpClient http = HttpClient.newHttpClient();
        private final URI uri;
        private final String version;

        Metrics(int managementPort, String version) {
            this.uri = URI.create("http://127.0.0.1:" + managementPort + "/q/metrics");
            this.version = version;
        }

        /** Seconds the service's JVM has spent in GC pauses so far. */
        double gcSeconds() throws Exception {
            double total = 0;
            for (String line : scrape().split("\n")) {
                if (line.startsWith("jvm_gc_pause_seconds_sum")) {
                    total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return total;
        }

        /** Predict's p50 and p99 in ms, from the service's own timer (its recent window). */
        double[] predictPercentiles() throws Exception {
            String text = scrape();
            return new double[] {quantile(text, "0.5"), quantile(text, "0.99")};
        }

        private double quantile(String text, String q) {
            Matcher m = Pattern.compile("lmforge_inference_requests_seconds\\{([^}]*)\\} (\\S+)").matcher(text);
            while (m.find()) {
                String labels = m.group(1);
                if (labels.contains("kind=\"predict\"") && labels.contains("model=\"" + version + "\"") && labels.contains("quantile=\"" + q + "\"")) {
                    return Double.parseDouble(m.group(2)) * 1000;
                }
            }
            return Double.NaN;
        }

        private String scrape() throws Exception {
            return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
    }
}
