package dev.lmforge.cli.tracing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import dev.lmforge.api.v1.CorpusServiceGrpc;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.api.v1.CreateTrainingJobRequest;
import dev.lmforge.api.v1.DatasetServiceGrpc;
import dev.lmforge.api.v1.FileChunk;
import dev.lmforge.api.v1.GetDatasetRequest;
import dev.lmforge.api.v1.IngestCorpusRequest;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.TokenizerKind;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import dev.lmforge.cli.LocalPlatform;
import dev.lmforge.cli.auth.Credentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One trace from IngestCorpus to the model being loaded, across the five services as ./lmforge runs
 * them: the test is the client (its own trace context in the calls' traceparent) and the OTLP/HTTP
 * receiver the services export to (LMFORGE_TRACING_OTLP_ENDPOINT, set before they started). It ingests
 * a corpus with auto-tokenize, trains on the dataset that follows, and checks that every hop is a
 * descendant of the one before: IngestCorpus → corpus.ingested → dataset build; CreateTrainingJob →
 * train.requested → training job → model.ready → model load.
 */
@EnabledIfEnvironmentVariable(named = "LMFORGE_TRACING_OTLP_ENDPOINT", matches = ".+")
class TraceEndToEndTest {

    private static final List<ReceivedSpan> received = new CopyOnWriteArrayList<>();
    private static HttpServer receiver;
    private static final List<ManagedChannel> channels = new ArrayList<>();

    record ReceivedSpan(String service, Span span) {
        String traceId() {
            return HexFormat.of().formatHex(span.getTraceId().toByteArray());
        }

        String spanId() {
            return HexFormat.of().formatHex(span.getSpanId().toByteArray());
        }

        String parentId() {
            return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
        }

        String attribute(String key) {
            return span.getAttributesList().stream().filter(a -> a.getKey().equals(key)).map(a -> a.getValue().getStringValue())
                    .findFirst().orElse("");
        }

        @Override
        public String toString() {
            return service + ":" + span.getName();
        }
    }

    @BeforeAll
    static void receive() throws IOException {
        URI endpoint = URI.create(System.getenv("LMFORGE_TRACING_OTLP_ENDPOINT"));
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", endpoint.getPort()), 0);
        receiver.createContext(endpoint.getPath(), exchange -> {
            try (exchange) {
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(exchange.getRequestBody());
                for (ResourceSpans rs : request.getResourceSpansList()) {
                    String service = rs.getResource().getAttributesList().stream().filter(a -> a.getKey().equals("service.name"))
                            .map(KeyValue::getValue).map(v -> v.getStringValue()).findFirst().orElse("?");
                    for (ScopeSpans ss : rs.getScopeSpansList()) {
                        ss.getSpansList().forEach(s -> received.add(new ReceivedSpan(service, s)));
                    }
                }
                byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
                exchange.getResponseBody().write(ok);
            }
        });
        receiver.start();
    }

    @AfterAll
    static void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        receiver.stop(0);
    }

    @Test
    void oneTraceRunsFromIngestCorpusToTheModelBeingLoaded() throws Exception {
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        String traceId = HexFormat.of().formatHex(id);
        String clientSpan = "00f067aa0ba902b7";
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + Credentials.token().orElseThrow(() -> new IllegalStateException("no token: run through ./lmforge test")));
        headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), "00-" + traceId + "-" + clientSpan + "-01");

        String corpus = "traced-" + traceId.substring(0, 8);
        ingest(channel("PREPROCESS", 8101, headers), corpus);
        String dataset = corpus + "-word-500";
        awaitDataset(DatasetServiceGrpc.newBlockingStub(channel("TOKENIZER", 8102, headers)), dataset);
        String job = corpus + "-lstm";
        TrainingServiceGrpc.newBlockingStub(channel("TRAINER", 8103, headers)).createTrainingJob(CreateTrainingJobRequest.newBuilder()
                .setSpec(TrainingJobSpec.newBuilder().setTrainingJobName(job).setDatasetId(dataset)
                        .putHyperparameters("hidden_size", "16").putHyperparameters("embedding_dim", "16")
                        .putHyperparameters("num_layers", "1").putHyperparameters("epochs", "1")).build());

        ReceivedSpan load = await(s -> s.span().getName().equals("model load") && s.attribute("lmforge.training_job").equals(job), 600);
        List<ReceivedSpan> trace = received.stream().filter(s -> s.traceId().equals(traceId)).toList();
        assertEquals(traceId, load.traceId(), "the model load is in the client's trace");

        ReceivedSpan build = find(trace, s -> s.span().getName().equals("dataset build"));
        assertEquals(dataset, build.attribute("lmforge.dataset_id"));
        assertEquals(corpus, build.attribute("lmforge.corpus_id"));
        assertLineage(build, trace, "preprocess-service:lmforge.v1.CorpusService/IngestCorpus",
                "preprocess-service:lmforge.corpus.ingested publish", "tokenizer-service:lmforge.corpus.ingested receive",
                "tokenizer-service:lmforge.corpus.ingested process", "tokenizer-service:dataset build");
        assertLineage(load, trace, "trainer-service:lmforge.v1.TrainingService/CreateTrainingJob",
                "trainer-service:lmforge.train.requested publish", "trainer-service:lmforge.train.requested receive",
                "trainer-service:lmforge.train.requested process", "trainer-service:training job",
                "trainer-service:lmforge.model.ready publish", "inference-service:lmforge.model.ready receive",
                "inference-service:lmforge.model.ready process", "inference-service:model load");
        ReceivedSpan training = find(trace, s -> s.span().getName().equals("training job"));
        assertEquals(job, training.attribute("lmforge.training_job"));
        assertEquals(dataset, training.attribute("lmforge.dataset_id"));

        String logs = System.getenv("LMFORGE_LOG_DIR");
        if (logs != null) {
            for (String service : List.of("preprocess-service", "tokenizer-service", "trainer-service", "inference-service")) {
                assertLogLinesNameTheTrace(Path.of(logs, service + ".log"), traceId, List.of(corpus, dataset, job));
            }
        }
    }

    /**
     * Every JSON log line that names one of the run's resources in its MDC (corpus_id, dataset_id,
     * training_job) names the run's trace too; and the service wrote at least one.
     */
    private static void assertLogLinesNameTheTrace(Path log, String traceId, List<String> resources) throws IOException {
        int named = 0;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonObject mdc = JsonParser.parseString(line).getAsJsonObject().getAsJsonObject("mdc");
            boolean ours = mdc != null && Stream.of("corpus_id", "dataset_id", "training_job")
                    .anyMatch(f -> mdc.has(f) && resources.contains(mdc.get(f).getAsString()));
            if (ours) {
                named++;
                assertEquals(traceId, mdc.has("traceId") ? mdc.get("traceId").getAsString() : "", log + ": " + line);
            }
        }
        assertTrue(named > 0, log + " has no line naming " + resources);
    }

    /** The span's ancestors, from the client's call down, are these in this order (others may lie between). */
    private static void assertLineage(ReceivedSpan leaf, List<ReceivedSpan> trace, String... expected) {
        List<String> lineage = new ArrayList<>();
        for (ReceivedSpan s = leaf; s != null; ) {
            lineage.add(0, s.toString());
            String parent = s.parentId();
            s = trace.stream().filter(p -> p.spanId().equals(parent)).findFirst().orElse(null);
        }
        int at = 0;
        for (String name : lineage) {
            if (at < expected.length && name.equals(expected[at])) {
                at++;
            }
        }
        assertEquals(expected.length, at, "lineage " + lineage + " lacks " + List.of(expected).subList(at, expected.length));
        assertTrue(lineage.get(0).equals(expected[0]), "the root of " + lineage + " is the client's call");
    }

    private static ReceivedSpan find(List<ReceivedSpan> trace, Predicate<ReceivedSpan> wanted) {
        return trace.stream().filter(wanted).findFirst().orElseGet(() -> fail("not in the trace: " + trace));
    }

    private static ReceivedSpan await(Predicate<ReceivedSpan> wanted, int seconds) throws InterruptedException {
        for (int i = 0; i < seconds * 2; i++) {
            Optional<ReceivedSpan> found = received.stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                // The rest of the trace is exported within the services' batch delay.
                Thread.sleep(3000);
                return found.get();
            }
            Thread.sleep(500);
        }
        return fail("no such span among " + received);
    }

    /** A few thousand sentences of a small grammar: enough words for a 500-word vocabulary. */
    private static void ingest(ManagedChannel preprocess, String corpus) throws Exception {
        Random random = new Random(7);
        String[] subjects = {"the council", "the commission", "parliament", "the member states", "the committee", "our group"};
        String[] verbs = {"supports", "rejects", "debates", "amends", "adopts", "examines", "questions", "welcomes"};
        String[] objects = {"the report", "the proposal", "the budget", "the directive", "the agreement", "the resolution"};
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 4000; i++) {
            text.append(subjects[random.nextInt(subjects.length)]).append(' ').append(verbs[random.nextInt(verbs.length)]).append(' ')
                    .append(objects[random.nextInt(objects.length)]).append(" number ").append(random.nextInt(600)).append(".\n");
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<IngestCorpusRequest> upload = CorpusServiceGrpc.newStub(preprocess).withDeadlineAfter(5, TimeUnit.MINUTES)
                .ingestCorpus(new StreamObserver<>() {
                    @Override
                    public void onNext(dev.lmforge.api.v1.Corpus value) {
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
        upload.onNext(IngestCorpusRequest.newBuilder().setSpec(CorpusSpec.newBuilder().setName(corpus)
                .setAutoTokenize(TokenizerSpec.newBuilder().setKind(TokenizerKind.TOKENIZER_KIND_WORD).setVocabSize(500))).build());
        upload.onNext(IngestCorpusRequest.newBuilder().setChunk(FileChunk.newBuilder().setFileName("sentences.txt")
                .setData(ByteString.copyFrom(text.toString(), StandardCharsets.UTF_8))).build());
        upload.onCompleted();
        done.get(5, TimeUnit.MINUTES);
    }

    private static void awaitDataset(DatasetServiceGrpc.DatasetServiceBlockingStub datasets, String dataset) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            try {
                JobStatus status = datasets.getDataset(GetDatasetRequest.newBuilder().setDatasetId(dataset).build()).getStatus();
                if (status == JobStatus.JOB_STATUS_COMPLETED) {
                    return;
                }
                assertEquals(JobStatus.JOB_STATUS_IN_PROGRESS, status, "dataset " + dataset);
            } catch (io.grpc.StatusRuntimeException notYet) {
                assertEquals(io.grpc.Status.Code.NOT_FOUND, notYet.getStatus().getCode());
            }
            Thread.sleep(500);
        }
        fail("dataset " + dataset + " was not built");
    }

    /** A channel to a service as ./lmforge runs it ({@link LocalPlatform}), with the test's headers. */
    private static ManagedChannel channel(String client, int port, Metadata headers) {
        ManagedChannel channel = LocalPlatform.channel(client, port)
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers)).build();
        channels.add(channel);
        return channel;
    }
}
