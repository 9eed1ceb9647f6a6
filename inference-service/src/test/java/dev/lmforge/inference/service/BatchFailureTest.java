package dev.lmforge.inference.service;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.ScoreResponse;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.security.Tenants;
import dev.lmforge.inference.health.BatchSchedulerReadiness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A runtime that throws Errors (out of memory, a bug) never takes the batcher down with it: the
 * failing batch gets a status, the next request succeeds, and no caller waits forever, even when
 * a worker thread dies (readiness is DOWN, naming the model it served, until it is restarted).
 */
class BatchFailureTest {

    /** Far longer than any answer here takes: a call that runs into it hangs. */
    private static final Duration NO_HANG = Duration.ofSeconds(20);
    private static final String TEXT = "the european parliament";

    private ServiceFakes.FakeRuntime runtime;
    private ModelRegistry registry;
    private Inference inference;
    private BatchSchedulerReadiness readiness;

    @BeforeEach
    void serve() throws Exception {
        InferenceConfig config = ServiceFakes.config(); // one worker per model
        registry = ServiceFakes.registry(new ServiceFakes.FakeStore(), (dir, card) -> runtime = new ServiceFakes.FakeRuntime(card.getVocabSize()), config);
        registry.setEndpoint(Tenants.DEFAULT, Endpoint.newBuilder().setName("e").setModelVersion("job-1").build());
        inference = new Inference(registry, config);
        readiness = new BatchSchedulerReadiness(registry.scheduler());
    }

    @AfterEach
    void stop() {
        ServiceFakes.stop(registry);
    }

    @Test
    void anErrorFailsOnlyItsBatchAndTheNextRequestSucceeds() {
        runtime.failures.add(new OutOfMemoryError("Java heap space"));
        LmForgeException oom = assertThrows(LmForgeException.class, () -> answered(() -> inference.score(Tenants.DEFAULT, "e", TEXT)));
        assertEquals(LmForgeException.Kind.RESOURCE_EXHAUSTED, oom.kind());
        assertTrue(oom.getMessage().contains("model job-1 ran out of memory on a batch of 1 sequences"), oom.getMessage());

        runtime.failures.add(new AssertionError("a bug in the model"));
        IllegalStateException bug = assertThrows(IllegalStateException.class, () -> answered(() -> inference.predict(Tenants.DEFAULT, "e", "the", null, 3)));
        assertTrue(bug.getMessage().contains("model job-1 failed") && bug.getMessage().contains("a bug in the model"), bug.getMessage());

        assertEquals(4, answered(() -> inference.score(Tenants.DEFAULT, "e", TEXT)).getTokensCount());
        assertEquals(HealthCheckResponse.Status.UP, readiness.call().getStatus());
    }

    @Test
    void aDeadWorkerFailsItsCallersTurnsReadinessDownAndIsRestarted() {
        runtime.failures.add(new OutOfMemoryAgainWhileReported());
        LmForgeException lost = assertThrows(LmForgeException.class, () -> answered(() -> inference.score(Tenants.DEFAULT, "e", TEXT)));
        assertEquals(LmForgeException.Kind.UNAVAILABLE, lost.kind());
        assertTrue(lost.getMessage().contains("a batch worker died"), lost.getMessage());

        HealthCheckResponse down = readiness.call();
        assertEquals(HealthCheckResponse.Status.DOWN, down.getStatus());
        String crash = String.valueOf(down.getData().orElseThrow().get("batch-scheduler"));
        assertTrue(crash.contains("OutOfMemoryError") && crash.contains("serving model job-1"), down.toString());
        // Its only worker is dead: a request fails at once rather than waiting for the restart.
        LmForgeException meanwhile = assertThrows(LmForgeException.class, () -> answered(() -> inference.score(Tenants.DEFAULT, "e", TEXT)));
        assertEquals(LmForgeException.Kind.UNAVAILABLE, meanwhile.kind());
        assertTrue(meanwhile.getMessage().contains("no batch worker is alive"), meanwhile.getMessage());

        awaitReady();
        assertEquals(4, answered(() -> inference.score(Tenants.DEFAULT, "e", TEXT)).getTokensCount());
        assertEquals(HealthCheckResponse.Status.UP, readiness.call().getStatus());
    }

    @Test
    void noCallerHangsWhenAWorkerDiesUnderLoad() throws Exception {
        runtime.failures.add(new OutOfMemoryAgainWhileReported());
        ExecutorService clients = Executors.newFixedThreadPool(32);
        List<CompletableFuture<ScoreResponse>> callers = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            callers.add(CompletableFuture.supplyAsync(() -> inference.score(Tenants.DEFAULT, "e", TEXT), clients));
        }
        int failed = 0;
        for (CompletableFuture<ScoreResponse> caller : callers) {
            try {
                assertEquals(4, caller.get(NO_HANG.toSeconds(), TimeUnit.SECONDS).getTokensCount());
            } catch (java.util.concurrent.ExecutionException e) {
                assertEquals(LmForgeException.Kind.UNAVAILABLE, assertInstanceOf(LmForgeException.class, e.getCause()).kind());
                failed++;
            }
        }
        clients.shutdown();
        assertTrue(failed >= 1, "the dead worker's batch failed");
        awaitReady();
        assertEquals(4, answered(() -> inference.score(Tenants.DEFAULT, "e", TEXT)).getTokensCount());
    }

    /** Out of memory, and again when the batcher reads its message to report it: the worker dies outside the batch's own handling. */
    private static final class OutOfMemoryAgainWhileReported extends OutOfMemoryError {
        private boolean reported;

        @Override
        public synchronized String getMessage() {
            if (!reported) {
                reported = true;
                throw new OutOfMemoryError("Java heap space, again");
            }
            return "Java heap space";
        }
    }

    private void awaitReady() {
        assertTimeoutPreemptively(NO_HANG, () -> {
            while (readiness.call().getStatus() != HealthCheckResponse.Status.UP) {
                Thread.sleep(20);
            }
        }, "the batcher was restarted");
    }

    private static <T> T answered(ThrowingSupplier<T> call) {
        return assertTimeoutPreemptively(NO_HANG, call);
    }
}
