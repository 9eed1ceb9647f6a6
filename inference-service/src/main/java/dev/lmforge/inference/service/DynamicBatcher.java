package dev.lmforge.inference.service;

import dev.lmforge.inference.engine.LanguageModelRuntime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 */
final class DynamicBatcher implements AutoCloseable {

    enum Kind { NEXT_TOKEN, TOKEN_SCORES }

    private record Task(Kind kind, int[] ids, CompletableFuture<float[]> result) {
    }

    private final LanguageModelRuntime runtime;
    private final ModelMeters meters;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    /** Requests submitted and not answered yet, queued or running. */
    private final AtomicInteger outstanding = new AtomicInteger();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;

    DynamicBatcher(LanguageModelRuntime runtime, int maxBatch, Duration maxWait, int workers, String name, ModelMeters meters) {
        this.runtime = runtime;
        this.meters = meters;
        this.maxBatch = Math.max(1, maxBatch);
        this.maxWaitNanos = maxWait.toNanos();
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::loop, "batcher-" + name + "-" + i);
            t.setDaemon(true);
            t.start();
            this.workers.add(t);
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

    private CompletableFuture<float[]> submit(Kind kind, int[] ids) {
        CompletableFuture<float[]> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new IllegalStateException("the model was unloaded"));
        } else {
            outstanding.incrementAndGet();
            f.whenComplete((r, e) -> outstanding.decrementAndGet());
            queue.add(new Task(kind, ids, f));
        }
        return f;
    }

    private void loop() {
        List<Task> batch = new ArrayList<>(maxBatch);
        while (!closed) {
            try {
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
            } catch (InterruptedException e) {
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void run(List<Task> all, Kind kind) {
        List<Task> tasks = all.stream().filter(t -> t.kind() == kind).toList();
        if (tasks.isEmpty()) {
            return;
        }
        try {
            int width = tasks.stream().mapToInt(t -> t.ids().length).max().orElse(1);
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
        } catch (RuntimeException e) {
            tasks.forEach(t -> t.result().completeExceptionally(e));
        }
    }

    /** Stops taking work; what is queued fails, what is running finishes. */
    @Override
    public void close() {
        closed = true;
        Task t;
        while ((t = queue.poll()) != null) {
            t.result().completeExceptionally(new IllegalStateException("the model was unloaded"));
        }
        workers.forEach(Thread::interrupt);
    }
}
