package dev.lmforge.inference.service;

import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.inference.engine.LanguageModelRuntime;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dynamic batching as TensorFlow Serving does it: concurrent requests for one model wait up to
 * {@code maxWait} for each other and go through one forward pass of at most {@code maxBatch}
 * sequences (right-padded; the LSTM reads left to right, so padding never changes a real position).
 * Unlike a fixed timeout, a request waits for company only while others are in flight, so a lone
 * client pays no batching delay; under load, requests that queue during a forward pass go together.
 *
 * <p>A batch that fails, even with an Error such as OutOfMemoryError, fails only its own requests.
 * A worker that dies anyway fails what it held, is replaced after {@link #RESTART_DELAY}, and
 * {@link #crash()} reports it until then; while no worker is alive, requests fail at once
 * (UNAVAILABLE) instead of waiting.
 */
final class DynamicBatcher implements AutoCloseable {

    /** How long a dead worker's replacement waits: memory pressure gets a moment to clear, and readiness shows the crash meanwhile. */
    static final Duration RESTART_DELAY = Duration.ofSeconds(1);

    private static final Logger LOG = Logger.getLogger(DynamicBatcher.class);

    enum Kind { NEXT_TOKEN, TOKEN_SCORES }

    private record Task(Kind kind, int[] ids, CompletableFuture<float[]> result) {
    }

    private final LanguageModelRuntime runtime;
    private final ModelMeters meters;
    private final String name;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    /** Requests submitted and not answered yet, queued or running. */
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Thread[] workers;
    /** Workers that died and whose replacement does not serve yet. */
    private final AtomicInteger dead = new AtomicInteger();
    private volatile Throwable lastCrash;
    private volatile boolean closed;

    DynamicBatcher(LanguageModelRuntime runtime, int maxBatch, Duration maxWait, int workers, String name, ModelMeters meters) {
        this.runtime = runtime;
        this.meters = meters;
        this.name = name;
        this.maxBatch = Math.max(1, maxBatch);
        this.maxWaitNanos = maxWait.toNanos();
        this.workers = new Thread[Math.max(1, workers)];
        for (int slot = 0; slot < this.workers.length; slot++) {
            startWorker(slot, false);
        }
    }

    /** The next-token log-probabilities after a sequence. */
    CompletableFuture<float[]> nextToken(int[] ids) {
        return submit(Kind.NEXT_TOKEN, ids);
    }

    /** The log-probability of each token after the first. */
    CompletableFuture<float[]> tokenScores(int[] ids) {
        return submit(Kind.TOKEN_SCORES, ids);
    }

    /** Why a worker is down, while one is (it is being restarted). */
    Optional<String> crash() {
        Throwable cause = lastCrash;
        return dead.get() > 0 && cause != null ? Optional.of(describe(cause)) : Optional.empty();
    }

    private static String describe(Throwable crash) {
        return "a batcher worker died (" + crash + ") and restarts within " + RESTART_DELAY.toMillis() + " ms";
    }

    private CompletableFuture<float[]> submit(Kind kind, int[] ids) {
        CompletableFuture<float[]> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(unloaded());
            return f;
        }
        outstanding.incrementAndGet();
        f.whenComplete((r, e) -> outstanding.decrementAndGet());
        queue.add(new Task(kind, ids, f));
        // Checked after queueing (a dying worker counts itself before draining): one of the two sees the task.
        if (dead.get() == workers.length) {
            failQueued();
        }
        return f;
    }

    private synchronized void startWorker(int slot, boolean replacing) {
        if (closed) {
            return;
        }
        Thread t = new Thread(() -> work(slot, replacing), "batcher-" + name + "-" + slot);
        t.setDaemon(true);
        workers[slot] = t;
        t.start();
    }

    private void work(int slot, boolean replacing) {
        List<Task> batch = new ArrayList<>(maxBatch);
        try {
            if (replacing) {
                Thread.sleep(RESTART_DELAY.toMillis());
                dead.decrementAndGet();
                LOG.infof("model %s: batcher worker %d restarted", name, slot);
            }
            serve(batch);
        } catch (Throwable t) {
            if (!closed) { // an interrupt when closed is the way out
                died(slot, batch, t);
            }
        }
    }

    private void serve(List<Task> batch) throws InterruptedException {
        while (!closed) {
            Task first = queue.poll(1, TimeUnit.SECONDS);
            if (first == null) {
                continue;
            }
            batch.add(first);
            long deadline = System.nanoTime() + maxWaitNanos;
            while (batch.size() < maxBatch) {
                Task next = queue.poll();
                if (next == null) {
                    long left = deadline - System.nanoTime();
                    // Wait for company only when other requests are in flight: a lone request never waits.
                    if (left <= 0 || outstanding.get() <= batch.size()) {
                        break;
                    }
                    next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                }
                batch.add(next);
            }
            run(batch, Kind.NEXT_TOKEN);
            run(batch, Kind.TOKEN_SCORES);
            batch.clear();
        }
    }

    private void run(List<Task> all, Kind kind) {
        List<Task> tasks = all.stream().filter(t -> t.kind() == kind).toList();
        if (tasks.isEmpty()) {
            return;
        }
        int width = tasks.stream().mapToInt(t -> t.ids().length).max().orElse(1);
        try {
            int[][] ids = new int[tasks.size()][width];
            int[] lengths = new int[tasks.size()];
            for (int i = 0; i < tasks.size(); i++) {
                System.arraycopy(tasks.get(i).ids(), 0, ids[i], 0, tasks.get(i).ids().length);
                lengths[i] = tasks.get(i).ids().length;
            }
            long start = System.nanoTime();
            float[][] out = kind == Kind.NEXT_TOKEN ? runtime.nextTokenLogProbs(ids, lengths) : runtime.tokenLogProbs(ids, lengths);
            ModelMeters.since(meters.forward, start);
            meters.batchSize.record(tasks.size());
            for (int i = 0; i < tasks.size(); i++) {
                tasks.get(i).result().complete(out[i]);
            }
        } catch (OutOfMemoryError e) {
            RuntimeException failure = LmForgeException.resourceExhausted(
                    "model %s ran out of memory on a batch of %d sequences of up to %d tokens (%s); retry, or send shorter texts",
                    name, tasks.size(), width, e.getMessage());
            tasks.forEach(t -> t.result().completeExceptionally(failure));
        } catch (Throwable e) { // whatever the model throws fails this batch, never the worker
            RuntimeException failure = new IllegalStateException("model " + name + " failed on a batch of " + tasks.size() + " sequences: " + e, e);
            tasks.forEach(t -> t.result().completeExceptionally(failure));
        }
    }

    /** A worker died outside a batch's own handling (say, out of memory again while failing it): nobody may wait for it. */
    private void died(int slot, List<Task> held, Throwable cause) {
        lastCrash = cause;
        int deadNow = dead.incrementAndGet();
        try {
            LOG.errorf(cause, "model %s: batcher worker %d died; restarting it in %s", name, slot, RESTART_DELAY);
            LmForgeException failure = LmForgeException.unavailable("model " + name + ": " + describe(cause) + "; retry", cause);
            held.forEach(t -> t.result().completeExceptionally(failure));
            if (deadNow == workers.length) {
                failQueued();
            }
        } finally {
            startWorker(slot, true);
        }
    }

    private void failQueued() {
        Task t;
        while ((t = queue.poll()) != null) {
            t.result().completeExceptionally(LmForgeException.unavailable(
                    "model " + name + " has no live batcher worker: " + describe(lastCrash) + "; retry", null));
        }
    }

    private static LmForgeException unloaded() {
        return LmForgeException.unavailable("the model was unloaded; retry", null);
    }

    /** Stops taking work; what is queued fails, what is running finishes. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            for (Thread t : workers) {
                t.interrupt();
            }
        }
        Task t;
        while ((t = queue.poll()) != null) {
            t.result().completeExceptionally(unloaded());
        }
    }
}
