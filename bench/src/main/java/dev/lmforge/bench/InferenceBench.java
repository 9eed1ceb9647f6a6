package dev.lmforge.bench;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.GetModelRequest;
import dev.lmforge.api.v1.InferenceServiceGrpc;
import dev.lmforge.api.v1.ListModelsRequest;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.ModelState;
import dev.lmforge.api.v1.PredictRequest;
import dev.lmforge.api.v1.SetEndpointModelRequest;
import dev.lmforge.api.v1.TokenSequence;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.inference.engine.DjlTensorFlowRuntime;
import io.grpc.ManagedChannel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Serving benchmark (bench/inference.sh runs it against a running inference-service):
 * <ul>
 *   <li>{@code sweep MODEL_DIR VERSION PORT SECONDS}: the baseline, an in-process DJL forward pass of
 *       the same model at batch 1; then gRPC Predict (same token ids, top 5) at 1, 8, 32 and 64
 *       concurrent clients: p50, p99, requests/s; and the gRPC overhead at one client.</li>
 *   <li>{@code throughput VERSION PORT SECONDS CLIENTS}: requests/s only (run once against a service
 *       with batching and once without).</li>
 * </ul>
 */
public final class InferenceBench {

    /** An end of line and ten words: what a client asks after a short sentence. */
    private static final int[] CONTEXT = IntStream.rangeClosed(5, 14).toArray();

    private InferenceBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "sweep" -> sweep(Path.of(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "throughput" -> {
                Result r = load(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
                System.out.printf("throughput %.1f requests/s (p50 %.2f ms, p99 %.2f ms, %d clients)%n", r.perSecond, r.p50, r.p99, r.clients);
            }
            default -> throw new IllegalArgumentException("sweep or throughput, not " + args[0]);
        }
    }

    private static void sweep(Path modelDir, String version, int port, int seconds) throws Exception {
        ModelCard card = ProtoJson.merge(Files.readAllBytes(modelDir.resolve("manifest.json")), ModelCard.newBuilder()).build();
        System.out.printf("model %s: vocabulary %d, %d x %d LSTM, %,d parameters%n", version, card.getVocabSize(), card.getNumLayers(),
                card.getHiddenSize(), card.getParameters());
        double inProcess = inProcessP50(modelDir, card);
        System.out.printf("baseline: in-process DJL forward pass at batch 1: p50 %.3f ms%n", inProcess);
        System.out.printf("%-8s %10s %10s %12s%n", "clients", "p50 ms", "p99 ms", "requests/s");
        Result one = null;
        for (int clients : new int[] {1, 8, 32, 64}) {
            Result r = load(version, port, seconds, clients);
            one = one == null ? r : one;
            System.out.printf("%-8d %10.3f %10.3f %12.1f%n", clients, r.p50, r.p99, r.perSecond);
        }
        System.out.printf("gRPC overhead at 1 client: p50 %.3f ms / %.3f ms in process = %.2fx (goal <= 1.10x)%n", one.p50, inProcess, one.p50 / inProcess);
        double floor = roundTripP50(port, version);
        System.out.printf("of which the machine's gRPC round trip (GetModel, no model work): p50 %.3f ms; Predict minus round trip: %.3f ms = %.2fx in process%n",
                floor, one.p50 - floor, (one.p50 - floor) / inProcess);
    }

    /** A gRPC call that does no model work: what a round trip costs on this machine (loopback, HTTP/2, protobuf). */
    private static double roundTripP50(int port, String version) throws InterruptedException {
        ManagedChannel channel = BenchCredentials.channel(port);
        try {
            InferenceServiceGrpc.InferenceServiceBlockingStub api = InferenceServiceGrpc.newBlockingStub(channel);
            GetModelRequest request = GetModelRequest.newBuilder().setModelVersion(version).build();
            double[] ms = new double[2000];
            for (int i = -500; i < ms.length; i++) {
                long t = System.nanoTime();
                api.getModel(request);
                if (i >= 0) {
                    ms[i] = (System.nanoTime() - t) / 1e6;
                }
            }
            Arrays.sort(ms);
            return ms[ms.length / 2];
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static double inProcessP50(Path modelDir, ModelCard card) throws Exception {
        int[] ids = new int[CONTEXT.length + 1];
        ids[0] = card.getEosId();
        System.arraycopy(CONTEXT, 0, ids, 1, CONTEXT.length);
        try (DjlTensorFlowRuntime runtime = new DjlTensorFlowRuntime(modelDir, card.getVocabSize(), card.getNumLayers(), card.getHiddenSize(), 1, ids.length)) {
            for (int i = 0; i < 300; i++) {
                runtime.nextTokenLogProbs(new int[][] {ids}, new int[] {ids.length});
            }
            double[] ms = new double[2000];
            for (int i = 0; i < ms.length; i++) {
                long t = System.nanoTime();
                runtime.nextTokenLogProbs(new int[][] {ids}, new int[] {ids.length});
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(ms);
            return ms[ms.length / 2];
        }
    }

    private record Result(int clients, double p50, double p99, double perSecond) {
    }

    private static Result load(String version, int port, int seconds, int clients) throws Exception {
        ManagedChannel channel = BenchCredentials.channel(port);
        try {
            InferenceServiceGrpc.InferenceServiceBlockingStub api = InferenceServiceGrpc.newBlockingStub(channel);
            api.setEndpointModel(SetEndpointModelRequest.newBuilder().setEndpoint(Endpoint.newBuilder().setName("bench").setModelVersion(version)).build());
            // A starting service restores its other endpoints' models in the background: measure once that is done.
            while (api.listModels(ListModelsRequest.getDefaultInstance()).getModelsList().stream()
                    .anyMatch(m -> m.getState() == ModelState.MODEL_STATE_LOADING)) {
                Thread.sleep(200);
            }
            PredictRequest request = PredictRequest.newBuilder().setEndpoint("bench").setTopK(5)
                    .setTokenIds(TokenSequence.newBuilder().addAllIds(Arrays.stream(CONTEXT).boxed().toList())).build();
            run(api, request, clients, 2_000_000_000L); // warm-up
            long start = System.nanoTime();
            List<double[]> perClient = run(api, request, clients, seconds * 1_000_000_000L);
            double elapsed = (System.nanoTime() - start) / 1e9;
            double[] all = perClient.stream().flatMapToDouble(Arrays::stream).sorted().toArray();
            return new Result(clients, all[all.length / 2], all[(int) (all.length * 0.99)], all.length / elapsed);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static List<double[]> run(InferenceServiceGrpc.InferenceServiceBlockingStub api, PredictRequest request, int clients, long nanos)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long end = System.nanoTime() + nanos;
        List<Future<double[]>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                double[] ms = new double[1024];
                int n = 0;
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    api.withDeadlineAfter(30, TimeUnit.SECONDS).predict(request);
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
}
