package dev.lmforge.bench;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.GenerateRequest;
import dev.lmforge.api.v1.GenerateResponse;
import dev.lmforge.api.v1.GetModelRequest;
import dev.lmforge.api.v1.InferenceServiceGrpc;
import dev.lmforge.api.v1.ListModelsRequest;
import dev.lmforge.api.v1.Model;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.ModelState;
import dev.lmforge.api.v1.PredictRequest;
import dev.lmforge.api.v1.PredictResponse;
import dev.lmforge.api.v1.SetEndpointModelRequest;
import dev.lmforge.api.v1.TokenSequence;
import dev.lmforge.common.naming.ModelSignatures;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.inference.engine.DjlTensorFlowRuntime;
import dev.lmforge.inference.service.LanguageModelRuntime;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;
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
            Runnable one = () -> lastOnly.nextTokenLogProbs(new int[][] {ids}, new int[] {ids.length});
            Timing nextToken = time(one, 300, 2000);
            // As a server sees it at one client: each pass after the time a round trip takes, its threads parked meanwhile.
            Timing afterIdle = time(() -> {
                LockSupport.parkNanos(1_000_000);
                long t = System.nanoTime();
                one.run();
                idleTimed[0] = System.nanoTime() - t;
            }, 100, 1000, () -> idleTimed[0] / 1e6);
            double singleTwoThreads = concurrentPerSecond(one, 2, 3_000_000_000L);
            Timing servingDefault = time(() -> everyPosition.nextTokenLogProbs(new int[][] {ids}, new int[] {ids.length}), 300, 2000);
            int[][] batch = new int[32][];
            Arrays.fill(batch, ids);
            int[] lengths = new int[32];
            Arrays.fill(lengths, ids.length);
            Timing batch32 = time(() -> lastOnly.nextTokenLogProbs(batch, lengths), 50, 400);
            double twoThreads = concurrentPerSecond(() -> lastOnly.nextTokenLogProbs(batch, lengths), 2, 3_000_000_000L) * 32;
            System.out.printf(Locale.ROOT, "| %d | %d | %s | %.3f | %.3f | %.3f | %.3f | %.0f | %.0f | %.0f | %.2f |%n", session.intraOpThreads(),
                    session.interOpThreads(), session.threadSpinning() ? "on" : "off", nextToken.p50, nextToken.cpuPerCall, afterIdle.p50,
                    servingDefault.p50, singleTwoThreads, 32_000 / batch32.p50, twoThreads, batch32.cpuPerCall / batch32.p50);
        }
    }

    private record Timing(double p50, double cpuPerCall) {
    }

    /** Holds the last idle-then-forward pass's own time, for {@link #time(Runnable, int, int, DoubleSupplier)}. */
    private static final long[] idleTimed = new long[1];

    /** p50 in ms of a call, after a warm-up, and the process CPU time (ms) it burned per call, on all its threads. */
    private static Timing time(Runnable call, int warmUp, int n) {
        long[] started = new long[1];
        return time(() -> {
            started[0] = System.nanoTime();
            call.run();
        }, warmUp, n, () -> (System.nanoTime() - started[0]) / 1e6);
    }

    /** As {@link #time(Runnable, int, int)}, each call's time in ms read from {@code elapsed} after it. */
    private static Timing time(Runnable call, int warmUp, int n, DoubleSupplier elapsed) {
        for (int i = 0; i < warmUp; i++) {
            call.run();
        }
        double[] ms = new double[n];
        long cpu = processCpuNanos();
        for (int i = 0; i < n; i++) {
            call.run();
            ms[i] = elapsed.getAsDouble();
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
        ManagedChannel channel = BenchCredentials.directChannel(port);
        double noOp;
        double authenticated;
        try {
            serveOnBenchEndpoint(InferenceServiceGrpc.newBlockingStub(channel), version);
            // Timed as Predict is below: one closed-loop client, after a warm-up.
            HealthGrpc.HealthStub health = HealthGrpc.newStub(channel);
            noOp = p50((AsyncCall<HealthCheckResponse>) observer -> health.check(HealthCheckRequest.getDefaultInstance(), observer));
            InferenceServiceGrpc.InferenceServiceStub api = InferenceServiceGrpc.newStub(channel);
            GetModelRequest getModel = GetModelRequest.newBuilder().setModelVersion(version).build();
            authenticated = p50((AsyncCall<Model>) observer -> api.getModel(getModel, observer));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        System.out.printf(Locale.ROOT, "baselines (p50, ms): in-process forward %.3f, in-process stateful step %.3f, no-op RPC (Health/Check) %.3f, "
                + "authenticated no-op RPC (GetModel) %.3f%n", forward, step, noOp, authenticated);

        Metrics metrics = new Metrics(managementPort, version);
        System.out.printf("%-8s %9s %9s %11s %14s %14s %10s %11s %10s %14s%n", "clients", "p50 ms", "p99 ms", "requests/s", "server p50 ms", "server p99 ms",
                "GC ms/req", "mean batch", "pass ms", "pass p50 ms");
        Load one = null;
        Load most = null;
        for (int clients : new int[] {1, 8, 32, 64}) {
            double[] before = metrics.totals();
            Load r = predictLoad(version, port, seconds, clients);
            double[] after = metrics.totals();
            double[] server = metrics.predictPercentiles();
            // Totals include the level's warm-up: GC per request, mean batch size and mean pass time are ratios, so they hold.
            double passes = after[2] - before[2];
            System.out.printf(Locale.ROOT, "%-8d %9.3f %9.3f %11.1f %14.3f %14.3f %10.4f %11.1f %10.3f %14.3f%n", clients, r.p50, r.p99, r.perSecond,
                    server[0], server[1], (after[0] - before[0]) * 1000 / (after[1] - before[1]), (after[1] - before[1]) / passes,
                    (after[3] - before[3]) * 1000 / passes, server[2]);
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
        ManagedChannel channel = BenchCredentials.directChannel(port);
        try {
            serveOnBenchEndpoint(InferenceServiceGrpc.newBlockingStub(channel), version);
            InferenceServiceGrpc.InferenceServiceStub api = InferenceServiceGrpc.newStub(channel);
            PredictRequest request = PredictRequest.newBuilder().setEndpoint("bench").setTopK(5)
                    .setTokenIds(TokenSequence.newBuilder().addAllIds(Arrays.stream(CONTEXT).boxed().toList())).build();
            AsyncCall<PredictResponse> call = observer -> api.withDeadlineAfter(30, TimeUnit.SECONDS).predict(request, observer);
            double[] warmUp = closedLoop(call, clients, WARM_UP_NANOS);
            long start = System.nanoTime();
            double[] all = closedLoop(call, clients, seconds * 1_000_000_000L);
            double elapsed = (System.nanoTime() - start) / 1e9;
            return new Load(clients, all[all.length / 2], all[(int) (all.length * 0.99)], all.length / elapsed, all.length, warmUp[warmUp.length / 2]);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Requests/s of the no-op RPC (Health/Check): what this machine's clients and server manage without any model work. */
    private static double noOpThroughput(int port, int seconds, int clients) throws Exception {
        ManagedChannel channel = BenchCredentials.directChannel(port);
        try {
            HealthGrpc.HealthStub health = HealthGrpc.newStub(channel);
            AsyncCall<HealthCheckResponse> call = observer -> health.withDeadlineAfter(30, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance(), observer);
            closedLoop(call, clients, WARM_UP_NANOS);
            long start = System.nanoTime();
            int requests = closedLoop(call, clients, seconds * 1_000_000_000L).length;
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

    /**
     * Median gap between consecutive streamed tokens of Generate calls at one client, after a
     * warm-up, taken as each token arrives on the channel's event loop.
     */
    private static double generateGap(String version, int port, int seconds) throws Exception {
        ManagedChannel channel = BenchCredentials.directChannel(port);
        try {
            InferenceServiceGrpc.InferenceServiceStub api = InferenceServiceGrpc.newStub(channel);
            List<Double> gaps = Collections.synchronizedList(new ArrayList<>());
            long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
            long end = warmUpEnd + seconds * 1_000_000_000L;
            for (long seed = 1; System.nanoTime() < end; seed++) {
                // Sampled as a chat client samples; a call may end early at an end of line.
                GenerateRequest request = GenerateRequest.newBuilder().setEndpoint("bench").setPrompt("the european parliament")
                        .setMaxTokens(GENERATED_TOKENS).setTemperature(0.8).setTopK(50).setTopP(0.95).setSeed(seed).build();
                boolean measuring = System.nanoTime() > warmUpEnd;
                CompletableFuture<Void> done = new CompletableFuture<>();
                api.withDeadlineAfter(60, TimeUnit.SECONDS).generate(request, new StreamObserver<>() {
                    private long last;

                    @Override
                    public void onNext(GenerateResponse token) {
                        long now = System.nanoTime();
                        if (last != 0 && measuring) {
                            gaps.add((now - last) / 1e6);
                        }
                        last = now;
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
                done.get(60, TimeUnit.SECONDS);
            }
            double[] sorted = gaps.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return sorted[sorted.length / 2];
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** p50 in ms of a call at one closed-loop client, after a warm-up. */
    private static <T> double p50(AsyncCall<T> call) throws InterruptedException {
        closedLoop(call, 1, WARM_UP_NANOS);
        double[] ms = closedLoop(call, 1, WARM_UP_NANOS);
        return ms[ms.length / 2];
    }

    /** Starts one asynchronous call that reports to {@code observer}. */
    private interface AsyncCall<T> {
        void start(StreamObserver<T> observer);
    }

    /**
     * {@code clients} closed-loop clients for {@code nanos}: each sends its next call when the last
     * one is answered. They are callbacks on the channel's event loop, not threads: a thread per
     * client would spend more of this machine's two cores waking up than the service spends answering.
     * Returns every call's latency in ms.
     */
    private static <T> double[] closedLoop(AsyncCall<T> call, int clients, long nanos) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        CountDownLatch finished = new CountDownLatch(clients);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<double[]> latencies = Collections.synchronizedList(new ArrayList<>());
        for (int c = 0; c < clients; c++) {
            new StreamObserver<T>() {
                private double[] ms = new double[1024];
                private int n;
                private long started;

                {
                    next();
                }

                private void next() {
                    if (System.nanoTime() >= end) {
                        latencies.add(Arrays.copyOf(ms, n));
                        finished.countDown();
                        return;
                    }
                    started = System.nanoTime();
                    call.start(this);
                }

                @Override
                public void onNext(T value) {
                }

                @Override
                public void onError(Throwable t) {
                    failure.compareAndSet(null, t);
                    finished.countDown();
                }

                @Override
                public void onCompleted() {
                    if (n == ms.length) {
                        ms = Arrays.copyOf(ms, 2 * n);
                    }
                    ms[n++] = (System.nanoTime() - started) / 1e6;
                    next();
                }
            };
        }
        if (!finished.await(nanos / 1_000_000 + 60_000, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("calls still unanswered a minute after the load ended");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a call failed: " + failure.get(), failure.get());
        }
        return latencies.stream().flatMapToDouble(Arrays::stream).sorted().toArray();
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

        /**
         * Totals so far: seconds in GC pauses, sequences run by the model (the batch-size summary's
         * sum), forward passes, and seconds in forward passes.
         */
        double[] totals() throws Exception {
            double[] totals = new double[4];
            String model = "model=\"" + version + "\"";
            for (String line : scrape().split("\n")) {
                double value = line.startsWith("#") ? 0 : Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                if (line.startsWith("jvm_gc_pause_seconds_sum")) {
                    totals[0] += value;
                } else if (line.startsWith("lmforge_inference_batch_size_sum") && line.contains(model)) {
                    totals[1] += value;
                } else if (line.startsWith("lmforge_inference_forward_seconds_count") && line.contains(model)) {
                    totals[2] += value;
                } else if (line.startsWith("lmforge_inference_forward_seconds_sum") && line.contains(model)) {
                    totals[3] += value;
                }
            }
            return totals;
        }

        /** Predict's p50 and p99 and the forward pass's p50, in ms, from the service's own timers (their recent window). */
        double[] predictPercentiles() throws Exception {
            String text = scrape();
            return new double[] {quantile(text, "lmforge_inference_requests_seconds", "0.5"), quantile(text, "lmforge_inference_requests_seconds", "0.99"),
                    quantile(text, "lmforge_inference_forward_seconds", "0.5")};
        }

        private double quantile(String text, String timer, String q) {
            Matcher m = Pattern.compile(timer + "\\{([^}]*)\\} (\\S+)").matcher(text);
            while (m.find()) {
                String labels = m.group(1);
                boolean predict = !timer.equals("lmforge_inference_requests_seconds") || labels.contains("kind=\"predict\"");
                if (predict && labels.contains("model=\"" + version + "\"") && labels.contains("quantile=\"" + q + "\"")) {
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
