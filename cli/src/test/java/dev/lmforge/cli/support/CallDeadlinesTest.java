package dev.lmforge.cli.support;

import dev.lmforge.api.v1.CorpusServiceGrpc;
import dev.lmforge.api.v1.DescribeTrainingJobRequest;
import dev.lmforge.api.v1.ImportCorpusRequest;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A service that never answers cannot hang a CLI command. */
class CallDeadlinesTest {

    private Server server;
    private ManagedChannel channel;
    private final Map<String, Deadline> deadlines = new ConcurrentHashMap<>();

    @BeforeEach
    void serveNothing() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(new TrainingServiceGrpc.TrainingServiceImplBase() {
            @Override
            public void describeTrainingJob(DescribeTrainingJobRequest request, StreamObserver<TrainingJob> response) {
                // never answers
            }
        }).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void aUnaryCallToAServiceThatHangsEndsAtTheDeadline() {
        Channel withDeadlines = ClientInterceptors.intercept(channel, new CallDeadlines(Duration.ofMillis(300), Duration.ofMinutes(60)));
        long start = System.nanoTime();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> TrainingServiceGrpc.newBlockingStub(withDeadlines)
                .describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName("x").build()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        assertTrue(CliErrors.describe(e).contains("LMFORGE_CLI_CALL_DEADLINE"), CliErrors.describe(e));
    }

    @Test
    void slowCallsGetTheLongDeadline() {
        // recorded, in interceptor order, after CallDeadlines has run
        ClientInterceptor record = new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                deadlines.put(method.getBareMethodName(), options.getDeadline());
                return next.newCall(method, options);
            }
        };
        Channel withDeadlines = ClientInterceptors.intercept(channel, record, new CallDeadlines(Duration.ofMillis(300), Duration.ofMinutes(60)));
        assertThrows(StatusRuntimeException.class, () -> CorpusServiceGrpc.newBlockingStub(withDeadlines).importCorpus(ImportCorpusRequest.getDefaultInstance()));
        assertTrue(deadlines.get("ImportCorpus").timeRemaining(TimeUnit.MINUTES) >= 59, "an import may take an hour: " + deadlines);
    }
}
