package dev.lmforge.inference.service;

import dev.lmforge.common.security.TestCallers;
import dev.lmforge.common.security.Tenants;
import dev.lmforge.common.security.Role;
import dev.lmforge.common.security.Caller;
import io.grpc.ServerInterceptors;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.GenerateRequest;
import dev.lmforge.api.v1.InferenceServiceGrpc;
import dev.lmforge.api.v1.PredictRequest;
import dev.lmforge.api.v1.ScoreRequest;
import dev.lmforge.api.v1.SetEndpointModelRequest;
import dev.lmforge.api.v1.TokenSequence;
import dev.lmforge.inference.grpc.InferenceGrpcService;
import dev.lmforge.inference.http.SageMakerResource;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Numeric request fields are checked in the domain logic, so gRPC and HTTP /invocations refuse the
 * same values with the same message naming the field and its range: NaN, the infinities, negative
 * and too large values, and requests over the size limits (which name their config key).
 */
class RequestValidationTest {

    private static final int VOCAB = 300; // the europarl-a fixture's
    private static ModelRegistry registry;
    private static Server server;
    private static ManagedChannel channel;
    private static InferenceServiceGrpc.InferenceServiceBlockingStub api;
    private static SageMakerResource http;

    @BeforeAll
    static void serve() throws Exception {
        InferenceConfig config = ServiceFakes.config(); // max-generate-tokens 10, max-text-chars 1000, max-token-ids 100
        ServiceFakes.FakeStore store = new ServiceFakes.FakeStore();
        registry = ServiceFakes.registry(store, (dir, card) -> new ServiceFakes.FakeRuntime(card.getVocabSize()), config);
        registry.setEndpoint(Tenants.DEFAULT, Endpoint.newBuilder().setName("e").setModelVersion("job-1").build());
        Inference inference = new Inference(registry, config);
        InferenceGrpcService service = new InferenceGrpcService(inference, registry, new Endpoints(registry, store, (tenant, endpoint, by) -> { }));
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(service, TestCallers.as(new Caller("alice", Tenants.DEFAULT, Role.ADMIN)))).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        api = InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES);
        http = new SageMakerResource(inference, registry, new ObjectMapper(), ServiceFakes.token(Map.of("tenant", Tenants.DEFAULT)), "tenant");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        ServiceFakes.stop(registry);
    }

    static Stream<Arguments> badGenerateFields() {
        String temperature = "temperature must be a number in [0, 10.0] (0: greedy)";
        String topP = "top_p must be a number in [0, 1]";
        String topK = "top_k must be between 0 (no limit) and the vocabulary size";
        String maxTokens = "max_tokens must be between 1 and 10 (lmforge.inference.max-generate-tokens";
        return Stream.of(
                arguments("temperature", Double.NaN, temperature),
                arguments("temperature", Double.POSITIVE_INFINITY, temperature),
                arguments("temperature", Double.NEGATIVE_INFINITY, temperature),
                arguments("temperature", -0.5, temperature),
                arguments("temperature", 10.5, temperature),
                arguments("top_p", Double.NaN, topP),
                arguments("top_p", Double.POSITIVE_INFINITY, topP),
                arguments("top_p", Double.NEGATIVE_INFINITY, topP),
                arguments("top_p", -0.1, topP),
                arguments("top_p", 1.5, topP),
                arguments("top_k", -1, topK),
                arguments("top_k", VOCAB + 1, topK),
                arguments("max_tokens", -1, maxTokens),
                arguments("max_tokens", 11, maxTokens));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badGenerateFields")
    void generateRefusesOverGrpc(String field, Number value, String message) {
        GenerateRequest.Builder request = GenerateRequest.newBuilder().setEndpoint("e").setPrompt("the");
        FieldDescriptor f = GenerateRequest.getDescriptor().findFieldByName(field);
        request.setField(f, f.getJavaType() == FieldDescriptor.JavaType.INT ? (Object) value.intValue() : (Object) value.doubleValue());
        assertGrpcInvalid(message, () -> api.generate(request.build()).forEachRemaining(token -> { }));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badGenerateFields")
    void generateRefusesOverHttp(String field, Number value, String message) {
        assertHttpInvalid(message, Map.of("endpoint", "e", "prompt", "the", field, json(value)));
    }

    @Test
    void wholeNumberFieldsOverHttpRefuseWhatIsNoWholeNumber() {
        for (Object notWhole : new Object[] {"NaN", "Infinity", "-Infinity", 2.5, 1e10}) {
            assertHttpInvalid("top_k is not valid", Map.of("endpoint", "e", "prompt", "the", "top_k", notWhole));
            assertHttpInvalid("max_tokens is not valid", Map.of("endpoint", "e", "prompt", "the", "max_tokens", notWhole));
            assertHttpInvalid("top_k must be a whole number", Map.of("task", "predict", "endpoint", "e", "text", "the", "top_k", notWhole));
        }
    }

    @Test
    void predictTopKOutOfRangeOnBothTransports() {
        for (int topK : new int[] {-1, 0, VOCAB + 1}) {
            String message = "top_k must be between 1 and the vocabulary size 300, got " + topK;
            assertGrpcInvalid(message, () -> api.predict(PredictRequest.newBuilder().setEndpoint("e").setText("the").setTopK(topK).build()));
            assertHttpInvalid(message, Map.of("task", "predict", "endpoint", "e", "text", "the", "top_k", topK));
        }
    }

    @Test
    void canaryWeightOutOfRange() {
        for (double weight : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.1, 1.5}) {
            assertGrpcInvalid("canary_weight must be a number in [0, 1], got " + weight, () -> api.setEndpointModel(SetEndpointModelRequest.newBuilder()
                    .setEndpoint(Endpoint.newBuilder().setName("e").setModelVersion("job-1").setCanaryModelVersion("job-2").setCanaryWeight(weight)).build()));
        }
    }

    @Test
    void requestsOverTheSizeLimitsNameTheirConfigKey() {
        String longText = "the ".repeat(251);
        assertGrpcInvalid("text has 1004 characters; the limit is 1000 (lmforge.inference.max-text-chars)",
                () -> api.score(ScoreRequest.newBuilder().setEndpoint("e").setText(longText).build()));
        assertHttpInvalid("text has 1004 characters; the limit is 1000 (lmforge.inference.max-text-chars)",
                Map.of("task", "score", "endpoint", "e", "text", longText));
        TokenSequence.Builder ids = TokenSequence.newBuilder();
        IntStream.range(0, 101).forEach(i -> ids.addIds(5));
        assertGrpcInvalid("token_ids has 101 ids; the limit is 100 (lmforge.inference.max-token-ids)",
                () -> api.predict(PredictRequest.newBuilder().setEndpoint("e").setTokenIds(ids).setTopK(1).build()));
    }

    @Test
    void validRequestsStillServeOnBothTransports() {
        GenerateRequest sampled = GenerateRequest.newBuilder().setEndpoint("e").setPrompt("the").setMaxTokens(10).setTemperature(10)
                .setTopP(1).setTopK(VOCAB).setSeed(7).build();
        assertTrue(api.generate(sampled).hasNext());
        assertEquals(200, http.invoke(Map.of("endpoint", "e", "prompt", "the", "max_tokens", 10, "temperature", 1e-300, "top_p", 0.5)).getStatus());
        assertEquals(200, http.invoke(Map.of("task", "predict", "endpoint", "e", "text", "the", "top_k", VOCAB)).getStatus());
    }

    /** JSON has no NaN or infinities: clients send them as strings, as protobuf's JSON mapping does. */
    private static Object json(Number value) {
        if (value instanceof Double d && !Double.isFinite(d)) {
            return d.isNaN() ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
        }
        return value;
    }

    private static void assertGrpcInvalid(String message, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(String.valueOf(e.getStatus().getDescription()).contains(message), e.getStatus().toString());
    }

    private static void assertHttpInvalid(String message, Map<String, Object> body) {
        Response r = http.invoke(body);
        assertEquals(400, r.getStatus(), String.valueOf(r.getEntity()));
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) r.getEntity();
        assertEquals("INVALID_ARGUMENT", error.get("error"));
        assertTrue(String.valueOf(error.get("message")).contains(message), String.valueOf(error.get("message")));
    }
}
