package dev.lmforge.inference.service;

import dev.lmforge.common.errors.LmForgeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared batch scheduler: models take turns, a cancelled request leaves its batch but holds its
 * model until the batch is over, and a model with too many requests waiting refuses more at once.
 */
class BatchSchedulerTest {

    private static final int[] IDS = {1, 2, 3};

    /** Forward passes, as "model:batch size", in the order they ran. */
    private final List<String> passes = new CopyOnWriteArrayList<>();
    private final Semaphore gate = new Semaphore(0);
    private final CountDownLatch entered = new CountDownLatch(1);
    private BatchScheduler scheduler;

    @AfterEach
    void stop() {
        gate.release(1000);
        scheduler.close();
    }

    @Test
    void aBusyModelDoesNotStarveAQuietOne() throws Exception {
        scheduler = new BatchScheduler(1, 4, Duration.ZERO, 100);
        BatchScheduler.ModelQueue busy = queue("busy");
        BatchScheduler.ModelQueue quiet = queue("quiet");
        List<CompletableFuture<BatchScheduler.Forward>> all = new ArrayList<>();
        all.add(submit(busy)); // holds the only worker in its forward pass
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 16; i++) {
            all.add(submit(busy)); // four batches' worth
        }
        all.add(submit(quiet));
        gate.release(1000);
        for (CompletableFuture<BatchScheduler.Forward> f : all) {
            f.get(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of("busy:1", "busy:4", "quiet:1", "busy:4", "busy:4", "busy:4"), passes,
                "the quiet model's request runs in its turn, not after the busy model's backlog");
    }

    @Test
    void aCancelledRequestLeavesItsBatchButHoldsTheModelUntilThePassIsOver() throws Exception {
        scheduler = new BatchScheduler(1, 8, Duration.ZERO, 100);
        BatchScheduler.ModelQueue model = queue("m");
        AtomicInteger runningDone = new AtomicInteger();
        CompletableFuture<BatchScheduler.Forward> running = model.nextToken(() -> IDS, runningDone::incrementAndGet);
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        AtomicInteger queuedDone = new AtomicInteger();
        CompletableFuture<BatchScheduler.Forward> leaving = model.nextToken(() -> IDS, queuedDone::incrementAndGet);
        CompletableFuture<BatchScheduler.Forward> staying = submit(model);
        CompletableFuture<BatchScheduler.Forward> staying2 = submit(model);

        running.cancel(false);
        leaving.cancel(false);
        assertEquals(0, runningDone.get(), "its forward pass still runs on the model");
        gate.release(1000);
        staying.get(10, TimeUnit.SECONDS);
        staying2.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("m:1", "m:2"), passes, "the cancelled request is not in the second batch");
        assertEquals(1, runningDone.get());
        assertEquals(1, queuedDone.get());
    }

    @Test
    void aModelWithTooManyRequestsWaitingRefusesMoreAtOnce() throws Exception {
        scheduler = new BatchScheduler(1, 8, Duration.ZERO, 3);
        BatchScheduler.ModelQueue model = queue("m");
        List<CompletableFuture<BatchScheduler.Forward>> accepted = new ArrayList<>();
        accepted.add(submit(model));
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        accepted.add(submit(model));
        accepted.add(submit(model));
        AtomicInteger refusedDone = new AtomicInteger();
        CompletableFuture<BatchScheduler.Forward> refused = model.nextToken(() -> IDS, refusedDone::incrementAndGet);
        ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(1, TimeUnit.SECONDS));
        LmForgeException full = assertInstanceOf(LmForgeException.class, e.getCause());
        assertEquals(LmForgeException.Kind.RESOURCE_EXHAUSTED, full.kind());
        assertTrue(full.getMessage().contains("already has 3 requests waiting"), full.getMessage());
        assertEquals(1, refusedDone.get(), "a refused request does not hold its model");
        gate.release(1000);
        for (CompletableFuture<BatchScheduler.Forward> f : accepted) {
            f.get(10, TimeUnit.SECONDS);
        }
        submit(model).get(10, TimeUnit.SECONDS); // room again
    }

    @Test
    void aTextThatCannotBeEncodedFailsOnlyItsOwnRequest() throws Exception {
        scheduler = new BatchScheduler(1, 8, Duration.ZERO, 100);
        BatchScheduler.ModelQueue model = queue("m");
        submit(model);
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        CompletableFuture<BatchScheduler.Forward> bad = model.nextToken(() -> {
            throw LmForgeException.invalidArgument("cannot encode");
        }, () -> { });
        CompletableFuture<BatchScheduler.Forward> good = submit(model);
        gate.release(1000);
        assertEquals(3, good.get(10, TimeUnit.SECONDS).ids().length);
        ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, assertInstanceOf(LmForgeException.class, e.getCause()).kind());
    }

    private CompletableFuture<BatchScheduler.Forward> submit(BatchScheduler.ModelQueue model) {
        return model.nextToken(() -> IDS, () -> { });
    }

    private BatchScheduler.ModelQueue queue(String name) {
        return scheduler.register(name, new GatedRuntime(name), new ModelMeters(new SimpleMeterRegistry(), name));
    }

    /** Records each forward pass, and holds each until the test opens the gate. */
    private final class GatedRuntime extends ServiceFakes.FakeRuntime {
        private final String name;

        GatedRuntime(String name) {
            super(10);
            this.name = name;
        }

        @Override
        public float[][] nextTokenLogProbs(int[][] ids, int[] lengths) {
            entered.countDown();
            gate.acquireUninterruptibly();
            passes.add(name + ":" + ids.length);
            return super.nextTokenLogProbs(ids, lengths);
        }
    }
}
