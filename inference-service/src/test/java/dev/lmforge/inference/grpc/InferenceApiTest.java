package dev.lmforge.inference.grpc;

import dev.lmforge.common.testing.TestPrincipals;
import dev.lmforge.common.security.Role;
import dev.lmforge.common.security.Tenants;
import dev.lmforge.common.testing.TestTokens;
import io.restassured.specification.RequestSpecification;
import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.GenerateRequest;
import dev.lmforge.api.v1.GenerateResponse;
import dev.lmforge.api.v1.GetModelRequest;
import dev.lmforge.api.v1.InferenceServiceGrpc;
import dev.lmforge.api.v1.ListModelsRequest;
import dev.lmforge.api.v1.Model;
import dev.lmforge.api.v1.ModelState;
import dev.lmforge.api.v1.PredictRequest;
import dev.lmforge.api.v1.PredictResponse;
import dev.lmforge.api.v1.ScoreRequest;
import dev.lmforge.api.v1.ScoreResponse;
import dev.lmforge.api.v1.SetEndpointModelRequest;
import dev.lmforge.api.v1.TokenProbability;
import dev.lmforge.api.v1.TokenSequence;
import dev.lmforge.api.v1.UnloadModelRequest;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.time.Duration;
import dev.lmforge.api.v1.ModelReady;
import dev.lmforge.api.v1.EndpointChanged;
import dev.lmforge.common.events.Topics;
import dev.lmforge.common.testing.PoisonRecords;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inference API against the real broker and S3, serving SavedModels the trainer's code
 * exported, through DJL's TensorFlow engine.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InferenceApiTest {

    /** Health and metrics: the management interface (plain HTTP, a port of its own), at its root /q/. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @TestHTTPResource("/")
    URL root;

    @Inject
    ArtifactStore store;

    ManagedChannel channel;
    InferenceServiceGrpc.InferenceServiceBlockingStub api;
    String modelA;
    String modelB;
    String endpoint;
    int vocab;

    @BeforeAll
    void setUp() throws Exception {
        channel = ManagedChannelBuilder.forAddress(root.getHost(), root.getPort()).usePlaintext().intercept(TestTokens.admin()).build();
        api = InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.MINUTES);
        modelA = ModelFixtures.publish(store, "europarl-a");
        modelB = ModelFixtures.publish(store, "europarl-b");
        endpoint = "test-" + UUID.randomUUID().toString().substring(0, 8);
        api.setEndpointModel(SetEndpointModelRequest.newBuilder().setEndpoint(Endpoint.newBuilder().setName(endpoint).setModelVersion(modelA)).build());
        vocab = api.getModel(GetModelRequest.newBuilder().setModelVersion(modelA).build()).getVocabSize();
    }

    @AfterAll
    void tearDown() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    PredictResponse predict(String text, int topK) {
        return api.predict(PredictRequest.newBuilder().setEndpoint(endpoint).setText(text).setTopK(topK).build());
    }

    List<GenerateResponse> generate(GenerateRequest.Builder request) {
        List<GenerateResponse> out = new ArrayList<>();
        api.generate(request.setEndpoint(endpoint).build()).forEachRemaining(out::add);
        return out;
    }

    @Test
    void modelReadyLoadsEachVersionOnceAndPromotesItToTheDefaultEndpoint() throws Exception {
        String version = ModelFixtures.publish(store, "europarl-b");
        ModelFixtures.announce(List.of(version, version));
        Model first = awaitState(version, ModelState.MODEL_STATE_AVAILABLE);
        awaitEndpoint("default", version);
        // A sentinel behind the redelivery: once it has failed (it does not exist), the duplicate was consumed.
        String sentinel = "missing-" + UUID.randomUUID().toString().substring(0, 8);
        ModelFixtures.announce(List.of(version, sentinel));
        awaitState(sentinel, ModelState.MODEL_STATE_FAILED);
        Model after = api.getModel(GetModelRequest.newBuilder().setModelVersion(version).build());
        assertEquals(first.getLoadedAt(), after.getLoadedAt(), "a redelivered model.ready does not load again");
        assertTrue(after.getLocation().getKey().endsWith(ArtifactLayout.shared().modelPrefix(version)));
        given().when().get("/ping").then().statusCode(200);
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndTheConsumerGoesOn() throws Exception {
        Function<String, ModelReady> naming = v -> TestPrincipals.byEditor(ModelReady.newBuilder().setSchemaVersion(1).setTrainingJobName(v).build());
        PoisonRecords.awaitAssigned("inference-", Topics.MODEL_READY, Duration.ofSeconds(60));
        String run = "poison-" + UUID.randomUUID().toString().substring(0, 8);
        PoisonRecords poison = new PoisonRecords(Topics.MODEL_READY).sendAll(run, naming::apply, naming.apply(run + "-no-such-model"));
        String version = ModelFixtures.publish(store, "europarl-b");
        ModelFixtures.announce(List.of(version));

        awaitState(version, ModelState.MODEL_STATE_AVAILABLE);
        poison.assertDeadLettered("inference-service", Duration.ofSeconds(30));
        given().get(management + "health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void poisonRecordsOnTheEndpointsTopicGoToTheDeadLetterTopicAndTheConsumerGoesOn() throws Exception {
        Function<String, EndpointChanged> naming = name -> TestPrincipals.byAdmin(EndpointChanged.newBuilder().setSchemaVersion(1)
                .setEndpoint(Endpoint.newBuilder().setName(name).setModelVersion(modelA)).build());
        PoisonRecords.awaitAssigned("inference-endpoints-", Topics.ENDPOINTS, Duration.ofSeconds(60));
        String run = "poison-" + UUID.randomUUID().toString().substring(0, 8);
        // An endpoint whose record names a model that does not exist cannot be followed.
        String broken = run + "-broken";
        store.put(ArtifactLayout.shared().endpoint(broken), ProtoJson.bytes(Endpoint.newBuilder().setName(broken).setModelVersion(run + "-no-model").build()),
                "application/json");
        PoisonRecords poison = new PoisonRecords(Topics.ENDPOINTS).sendAll(run, naming::apply, naming.apply(broken));
        // As another replica does it: the record first, then the announcement.
        String moved = run + "-moved";
        store.put(ArtifactLayout.shared().endpoint(moved), ProtoJson.bytes(Endpoint.newBuilder().setName(moved).setModelVersion(modelA).build()),
                "application/json");
        PoisonRecords.produce(Topics.ENDPOINTS, moved, naming.apply(moved).toByteArray(), false);

        awaitEndpoint(moved, modelA);
        poison.assertDeadLettered("inference-service", Duration.ofSeconds(60));
        given().get(management + "health/ready").then().statusCode(200).body("status", equalTo("UP"));
        store.delete(ArtifactLayout.shared().endpoint(broken));
    }

    @Test
    void predictGivesTheTopTokensInOrder() {
        PredictResponse r = predict("the european", 5);
        assertEquals(5, r.getTokensCount());
        assertEquals(modelA, r.getModelVersion());
        double total = 0;
        for (int i = 0; i < 5; i++) {
            total += r.getTokens(i).getProbability();
            if (i > 0) {
                assertTrue(r.getTokens(i - 1).getProbability() >= r.getTokens(i).getProbability());
            }
        }
        assertTrue(total > 0 && total <= 1.0001);
        List<TokenProbability> all = predict("the european", vocab).getTokensList();
        assertEquals(vocab, all.size());
        assertEquals(1.0, all.stream().mapToDouble(TokenProbability::getProbability).sum(), 1e-3);
        // Token ids in give the same answer as the text they encode.
        int the = all.stream().filter(t -> t.getToken().equals("the")).findFirst().orElseThrow().getId();
        int european = all.stream().filter(t -> t.getToken().equals("european")).findFirst().orElseThrow().getId();
        PredictResponse byIds = api.predict(PredictRequest.newBuilder().setEndpoint(endpoint)
                .setTokenIds(TokenSequence.newBuilder().addIds(the).addIds(european)).setTopK(5).build());
        assertEquals(r.getTokensList(), byIds.getTokensList());
    }

    @Test
    void scoreAgreesWithPredictAndReportsPerplexityAndBitsPerCharacter() {
        ScoreResponse s = api.score(ScoreRequest.newBuilder().setEndpoint(endpoint).setText("the european parliament").build());
        assertEquals(4, s.getTokensCount(), "three words and the end of the line");
        assertEquals("<eos>", s.getTokens(3).getToken());
        double total = s.getTokensList().stream().mapToDouble(t -> t.getLogProbability()).sum();
        assertEquals(total, s.getTotalLogProbability(), 1e-6);
        assertEquals(Math.exp(-total / 4), s.getPerplexity(), 1e-6);
        assertEquals(-total / Math.log(2) / ("the european parliament".length() + 1), s.getBitsPerCharacter(), 1e-6);
        double predicted = predict("the european", vocab).getTokensList().stream().filter(t -> t.getToken().equals("parliament"))
                .findFirst().orElseThrow().getProbability();
        assertEquals(Math.log(predicted), s.getTokens(2).getLogProbability(), 1e-4);
    }

    @Test
    void generateStreamsReproduciblyAndStopsWhereAsked() {
        GenerateRequest.Builder sampled = GenerateRequest.newBuilder().setPrompt("the commission").setMaxTokens(12).setTemperature(1.0)
                .setTopP(0.9).setTopK(50).setSeed(42);
        List<GenerateResponse> one = generate(sampled.clone());
        List<GenerateResponse> two = generate(sampled.clone());
        assertEquals(one.stream().map(GenerateResponse::getTokenId).toList(), two.stream().map(GenerateResponse::getTokenId).toList());
        assertTrue(one.size() <= 12 && !one.isEmpty());
        String finish = one.get(one.size() - 1).getFinishReason();
        assertTrue(finish.equals("length") || finish.equals("end_of_line"), finish);

        List<GenerateResponse> greedy = generate(GenerateRequest.newBuilder().setPrompt("the commission").setMaxTokens(3).setTemperature(0));
        assertEquals(predict("the commission", 1).getTokens(0).getId(), greedy.get(0).getTokenId(), "greedy takes the most likely token");

        String firstWord = greedy.get(0).getText().strip();
        List<GenerateResponse> stopped = generate(GenerateRequest.newBuilder().setPrompt("the commission").setMaxTokens(20)
                .setTemperature(0).addStop(firstWord));
        assertEquals(1, stopped.size());
        assertEquals("stop", stopped.get(0).getFinishReason());
    }

    @Test
    void badRequestsGetClearStatusesAndTheServiceStaysUp() {
        assertStatus(Status.Code.INVALID_ARGUMENT, "text is empty", () -> predict("", 5));
        assertStatus(Status.Code.INVALID_ARGUMENT, "the limit is", () -> predict("word ".repeat(5000), 5));
        assertStatus(Status.Code.INVALID_ARGUMENT, "top_k", () -> predict("the", 0));
        assertStatus(Status.Code.INVALID_ARGUMENT, "top_k", () -> predict("the", vocab + 1));
        assertStatus(Status.Code.NOT_FOUND, "endpoint 'nope' does not exist",
                () -> api.predict(PredictRequest.newBuilder().setEndpoint("nope").setText("the").setTopK(1).build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "text is empty",
                () -> api.score(ScoreRequest.newBuilder().setEndpoint(endpoint).setText(" ").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "temperature", () -> generate(GenerateRequest.newBuilder().setPrompt("the").setTemperature(-1)));
        assertStatus(Status.Code.INVALID_ARGUMENT, "top_p", () -> generate(GenerateRequest.newBuilder().setPrompt("the").setTopP(1.5)));
        assertStatus(Status.Code.INVALID_ARGUMENT, "temperature must be a number in [0, 10.0]",
                () -> generate(GenerateRequest.newBuilder().setPrompt("the").setTemperature(Double.NaN)));
        assertStatus(Status.Code.INVALID_ARGUMENT, "top_p must be a number in [0, 1]", () -> generate(GenerateRequest.newBuilder().setPrompt("the").setTopP(Double.NaN)));
        assertStatus(Status.Code.INVALID_ARGUMENT, "max_tokens", () -> generate(GenerateRequest.newBuilder().setPrompt("the").setMaxTokens(100_000)));
        assertStatus(Status.Code.NOT_FOUND, "does not exist", () -> api.setEndpointModel(SetEndpointModelRequest.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setName(endpoint).setModelVersion("no-such-job")).build()));
        assertStatus(Status.Code.NOT_FOUND, "not known", () -> api.getModel(GetModelRequest.newBuilder().setModelVersion("never-seen").build()));
        assertStatus(Status.Code.INVALID_ARGUMENT, "canary_weight", () -> api.setEndpointModel(SetEndpointModelRequest.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setName(endpoint).setModelVersion(modelA).setCanaryWeight(0.5)).build()));
        assertEquals(5, predict("the european", 5).getTokensCount(), "still serving");
    }

    @Test
    void anIncompleteOrBrokenModelNeverReplacesTheServingOne() throws Exception {
        String incomplete = "half-" + UUID.randomUUID().toString().substring(0, 8);
        store.put(ArtifactLayout.shared().modelFile(incomplete, "saved_model.pb"), new byte[10], "application/octet-stream");
        assertStatus(Status.Code.FAILED_PRECONDITION, "not complete", () -> api.setEndpointModel(SetEndpointModelRequest.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setName(endpoint).setModelVersion(incomplete)).build()));

        String broken = ModelFixtures.publishCorrupt(store);
        assertStatus(Status.Code.FAILED_PRECONDITION, "failed to load", () -> api.setEndpointModel(SetEndpointModelRequest.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setName(endpoint).setModelVersion(broken)).build()));
        Model failed = api.getModel(GetModelRequest.newBuilder().setModelVersion(broken).build());
        assertEquals(ModelState.MODEL_STATE_FAILED, failed.getState());
        assertFalse(failed.getFailureReason().isEmpty());
        assertEquals(modelA, predict("the", 1).getModelVersion(), "the endpoint keeps serving the old version");
    }

    @Test
    void aCanaryTakesItsShareOfTheTraffic() {
        String canaryEndpoint = "canary-" + UUID.randomUUID().toString().substring(0, 8);
        api.setEndpointModel(SetEndpointModelRequest.newBuilder().setEndpoint(Endpoint.newBuilder().setName(canaryEndpoint)
                .setModelVersion(modelA).setCanaryModelVersion(modelB).setCanaryWeight(0.3)).build());
        int canary = 0;
        for (int i = 0; i < 300; i++) {
            String served = api.predict(PredictRequest.newBuilder().setEndpoint(canaryEndpoint).setText("the").setTopK(1).build()).getModelVersion();
            assertTrue(served.equals(modelA) || served.equals(modelB));
            canary += served.equals(modelB) ? 1 : 0;
        }
        assertTrue(canary > 50 && canary < 130, "about 30 % of 300 to the canary, got " + canary);
        assertTrue(api.listModels(ListModelsRequest.getDefaultInstance()).getEndpointsList().stream()
                .anyMatch(e -> e.getName().equals(canaryEndpoint) && e.getCanaryModelVersion().equals(modelB)));
        assertStatus(Status.Code.FAILED_PRECONDITION, "point it to another version first",
                () -> api.unloadModel(UnloadModelRequest.newBuilder().setModelVersion(modelB).build()));
    }

    /** The reliability check: 10,000 requests from 64 clients while versions are swapped and unloaded: zero errors. */
    @Test
    void hotSwappingAndUnloadingUnderLoadFailsNoRequest() throws Exception {
        String swapped = "swap-" + UUID.randomUUID().toString().substring(0, 8);
        String v1 = ModelFixtures.publish(store, "europarl-a");
        String v2 = ModelFixtures.publish(store, "europarl-b");
        String v3 = ModelFixtures.publish(store, "europarl-a");
        setEndpoint(swapped, v1);
        AtomicInteger done = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean swapping = new java.util.concurrent.atomic.AtomicBoolean(true);
        Set<String> errors = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Set<String> served = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ExecutorService clients = Executors.newFixedThreadPool(64);
        List<Future<?>> all = new ArrayList<>();
        for (int c = 0; c < 64; c++) {
            all.add(clients.submit(() -> {
                InferenceServiceGrpc.InferenceServiceBlockingStub stub = InferenceServiceGrpc.newBlockingStub(channel);
                while (swapping.get() || done.get() < 10_000) {
                    try {
                        served.add(stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                                .predict(PredictRequest.newBuilder().setEndpoint(swapped).setText("the european").setTopK(3).build()).getModelVersion());
                    } catch (StatusRuntimeException e) {
                        errors.add(e.getStatus().toString());
                    }
                    done.incrementAndGet();
                }
            }));
        }
        awaitRequests(done, 2_500);
        setEndpoint(swapped, v2);
        api.unloadModel(UnloadModelRequest.newBuilder().setModelVersion(v1).build());
        awaitRequests(done, 5_000);
        setEndpoint(swapped, v3);
        api.unloadModel(UnloadModelRequest.newBuilder().setModelVersion(v2).build());
        awaitRequests(done, done.get() + 500);
        swapping.set(false);
        for (Future<?> f : all) {
            f.get(5, TimeUnit.MINUTES);
        }
        clients.shutdown();
        assertEquals(Set.of(), errors);
        assertTrue(done.get() >= 10_000);
        assertEquals(Set.of(v1, v2, v3), served);
        assertEquals(ModelState.MODEL_STATE_UNLOADED, api.getModel(GetModelRequest.newBuilder().setModelVersion(v1).build()).getState());
    }

    @Test
    void sageMakerContainerContract() {
        given().contentType("application/json").body(Map.of("task", "predict", "endpoint", endpoint, "text", "the"))
                .when().post("/invocations").then().statusCode(401);
        given().auth().oauth2(TestTokens.wrongSigner(Role.ADMIN, Tenants.DEFAULT)).contentType("application/json")
                .body(Map.of("task", "predict", "endpoint", endpoint, "text", "the")).when().post("/invocations").then().statusCode(401);
        viewer().contentType("application/json").body(Map.of("task", "predict", "endpoint", endpoint, "text", "the european", "top_k", 3))
                .when().post("/invocations").then().statusCode(200).body("tokens", hasSize(3)).body("modelVersion", equalTo(modelA));
        viewer().contentType("application/json").body(Map.of("task", "score", "endpoint", endpoint, "text", "the european parliament"))
                .when().post("/invocations").then().statusCode(200).body("tokens", hasSize(4));
        viewer().contentType("application/json").body(Map.of("endpoint", endpoint, "prompt", "the council", "max_tokens", 5, "seed", 7))
                .when().post("/invocations").then().statusCode(200).body("modelVersion", equalTo(modelA));
        viewer().contentType("application/json").body(Map.of("task", "predict", "endpoint", endpoint, "text", ""))
                .when().post("/invocations").then().statusCode(400).body("error", equalTo("INVALID_ARGUMENT"));
        viewer().contentType("application/json").body(Map.of("task", "predict", "endpoint", "nope", "text", "the"))
                .when().post("/invocations").then().statusCode(404);
        viewer().contentType("application/json").body(Map.of("endpoint", endpoint, "prompt", "the", "temperature", "NaN"))
                .when().post("/invocations").then().statusCode(400).body("message", containsString("temperature must be a number in [0, 10.0]"));
    }

    private static RequestSpecification viewer() {
        return given().auth().oauth2(TestTokens.token(Role.VIEWER, Tenants.DEFAULT));
    }

    private void setEndpoint(String name, String version) {
        api.setEndpointModel(SetEndpointModelRequest.newBuilder().setEndpoint(Endpoint.newBuilder().setName(name).setModelVersion(version)).build());
    }

    private static void awaitRequests(AtomicInteger done, int n) throws InterruptedException {
        while (done.get() < n) {
            Thread.sleep(5);
        }
    }

    private Model awaitState(String version, ModelState state) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            try {
                Model m = api.getModel(GetModelRequest.newBuilder().setModelVersion(version).build());
                if (m.getState() == state) {
                    return m;
                }
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                    throw e;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError(version + " never reached " + state);
    }

    private void awaitEndpoint(String name, String version) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            if (api.listModels(ListModelsRequest.getDefaultInstance()).getEndpointsList().stream()
                    .anyMatch(e -> e.getName().equals(name) && e.getModelVersion().equals(version))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("endpoint " + name + " never served " + version);
    }

    private static void assertStatus(Status.Code code, String messagePart, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(String.valueOf(e.getStatus().getDescription()).contains(messagePart), e.getStatus().toString());
    }
}
