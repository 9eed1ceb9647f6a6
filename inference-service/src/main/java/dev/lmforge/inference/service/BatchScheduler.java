package dev.lmforge.inference.service;

import dev.lmforge.common.errors.LmForgeException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Dynamic batching as TensorFlow Serving's shared batch scheduler does it: one pool of worker
 * threads serves every loaded model, each model with a queue of its own, and the models with waiting
 * requests take turns (round robin), so a busy model cannot starve a quiet one and the number of
 * threads does not grow with the models loaded.
 *
 * <p>A worker takes a model's queue and gathers up to {@code maxBatch} of its requests into one
 * forward pass (right-padded; the LSTM reads left to right, so padding never changes a real
 * position). The first request waits up to {@code maxWait} for company, but only while other
 * requests for the model are in flight: a lone client pays no batching delay. The worker works out
 * each request's token ids itself (encoding a long text is no job for the event loop that submitted
 * it), and completes the request's future on its own thread, where the answer is built and written.
 * A request cancelled before its batch runs leaves it; a model with {@code maxQueued} requests
 * outstanding refuses more (RESOURCE_EXHAUSTED), so memory stays bounded under any load.
 *
 * <p>A batch that fails, even with an Error such as OutOfMemoryError, fails only its own requests.
 * A worker that dies anyway fails what it held, is replaced after {@link #RESTART_DELAY}, and
 * {@link #crash()} reports it until then; while no worker is alive, requests fail at once
 * (UNAVAILABLE) instead of waiting.
 */
@Singleton
public class BatchScheduler {

    /** How long a dead worker's replacement waits: memory pressure gets a moment to clear, and readiness shows the crash meanwhile. */
    static final Duration RESTART_DELAY = Duration.ofSeconds(1);

    private static final Logger LOG = Logger.getLogger(BatchScheduler.class);

    enum Kind { NEXT_TOKEN, TOKEN_SCORES }

    /** What a forward pass returns for one request, with the token ids it read. */
    record Forward(int[] ids, float[] values) {
    }

    /**
     * A request. {@code whenDone} runs once it has left the scheduler for good (answered, failed, or
     * dropped as cancelled): a cancelled request's future completes at once, but its batch may still
     * be running on the model, which must stay open until then.
     */
    private record Task(Kind kind, Supplier<int[]> input, CompletableFuture<Forward> result, Runnable whenDone, AtomicBoolean done) {

        Task(Kind kind, Supplier<int[]> input, CompletableFuture<Forward> result, Runnable whenDone) {
            this(kind, input, result, whenDone, new AtomicBoolean());
        }

        void fail(Throwable failure) {
            result.completeExceptionally(failure);
            leave();
        }

        void leave() {
            if (done.compareAndSet(false, true)) {
                whenDone.run();
            }
        }
    }

    private final int maxBatch;
    private final long maxWaitNanos;
    private final int maxQueued;
    /** Models with requests waiting and no worker gathering them, in the order they are to be served. */
    private final BlockingQueue<ModelQueue> ready = new LinkedBlockingQueue<>();
    private final Set<ModelQueue> queues = ConcurrentHashMap.newKeySet();
    private final Thread[] workers;
    /** Workers that died and whose replacement does not serve yet. */
    private final AtomicInteger dead = new AtomicInteger();
    private volatile String lastCrash;
    private volatile boolean closed;

    @Inject
    public BatchScheduler(InferenceConfig config) {
        this(config.batchThreads(), config.maxBatchSize(), config.maxBatchWait(), config.maxQueuedRequests());
    }

    BatchScheduler(int threads, int maxBatch, Duration maxWait, int maxQueued) {
        this.maxBatch = Math.max(1, maxBatch);
        this.maxWaitNanos = maxWait.toNanos();
        this.maxQueued = Math.max(1, maxQueued);
        this.workers = new Thread[Math.max(1, threads)];
        for (int slot = 0; slot < workers.length; slot++) {
            startWorker(slot, false);
        }
    }

    /** A queue for one loaded model, served by this scheduler's workers until it is closed. */
    ModelQueue register(String name, LanguageModelRuntime runtime, ModelMeters meters) {
        ModelQueue queue = new ModelQueue(name, runtime, meters);
        queues.add(queue);
        return queue;
    }

    /** Why a worker is down, while one is (it is being restarted). */
    public Optional<String> crash() {
        String crash = lastCrash;
        return dead.get() > 0 && crash != null ? Optional.of(crash) : Optional.empty();
    }

    /** One model's requests. */
    final class ModelQueue implements AutoCloseable {

        private final String name;
        private final LanguageModelRuntime runtime;
        private final ModelMeters meters;
        private final BlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
        /** Requests submitted and not answered yet, queued or running. */
        private final AtomicInteger outstanding = new AtomicInteger();
        /** True while the queue is in {@link #ready} or a worker is gathering from it. */
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private volatile boolean closed;

        private ModelQueue(String name, LanguageModelRuntime runtime, ModelMeters meters) {
            this.name = name;
            this.runtime = runtime;
            this.meters = meters;
        }

        /**
         * The next-token log-probabilities after the sequence {@code ids} supplies (called on the
         * worker); {@code whenDone} runs once the request no longer needs the model.
         */
        CompletableFuture<Forward> nextToken(Supplier<int[]> ids, Runnable whenDone) {
            return submit(new Task(Kind.NEXT_TOKEN, ids, new CompletableFuture<>(), whenDone));
        }

        /** The log-probability of each token after the first, as {@link #nextToken} asks it. */
        CompletableFuture<Forward> tokenScores(Supplier<int[]> ids, Runnable whenDone) {
            return submit(new Task(Kind.TOKEN_SCORES, ids, new CompletableFuture<>(), whenDone));
        }

        private CompletableFuture<Forward> submit(Task task) {
            CompletableFuture<Forward> f = task.result();
            if (closed) {
                task.fail(unloaded());
                return f;
            }
            if (outstanding.incrementAndGet() > maxQueued) {
                outstanding.decrementAndGet();
                task.fail(LmForgeException.resourceExhausted(
                        "model %s already has %d requests waiting (lmforge.inference.max-queued-requests); retry shortly", name, maxQueued));
                return f;
            }
            f.whenComplete((r, e) -> outstanding.decrementAndGet());
            tasks.add(task);
            if (closed) { // closed while this was added: close() may have drained before it
                fail(unloaded());
            }
            // Checked after queueing (a dying worker counts itself before draining): one of the two sees the task.
            if (dead.get() == workers.length) {
                failAllQueued();
            }
            schedule();
            return f;
        }

        private void schedule() {
            if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
                ready.add(this);
            }
        }

        /** Gathers one batch: the first live request, then company while others are in flight, up to maxWait. */
        private void gather(List<Task> batch) throws InterruptedException {
            try {
                long deadline = System.nanoTime() + maxWaitNanos;
                while (batch.size() < maxBatch) {
                    Task next = tasks.poll();
                    if (next == null) {
                        long left = deadline - System.nanoTime();
                        // Wait for company only when other requests are in flight: a lone request never waits.
                        if (batch.isEmpty() || left <= 0 || outstanding.get() <= batch.size()) {
                            break;
                        }
                        next = tasks.poll(left, TimeUnit.NANOSECONDS);
                        if (next == null) {
                            break;
                        }
                    }
                    if (next.result().isDone()) { // a cancelled request leaves its batch
                        next.leave();
                    } else {
                        batch.add(next);
                    }
                }
            } finally {
                // Another worker may take what is left, and run it alongside this batch.
                scheduled.set(false);
                schedule();
            }
        }

        private void fail(RuntimeException failure) {
            Task t;
            while ((t = tasks.poll()) != null) {
                t.fail(failure);
            }
        }

        /** Stops taking requests; what is queued fails, what is running finishes. */
        @Override
        public void close() {
            closed = true;
            queues.remove(this);
            fail(unloaded());
        }
    }

    private synchronized void startWorker(int slot, boolean replacing) {
        if (closed) {
            return;
        }
        Thread t = new Thread(() -> work(slot, replacing), "batch-worker-" + slot);
        t.setDaemon(true);
        workers[slot] = t;
        t.start();
    }

    private void work(int slot, boolean replacing) {
        List<Task> batch = new ArrayList<>(maxBatch);
        ModelQueue serving = null;
        try {
            if (replacing) {
                Thread.sleep(RESTART_DELAY.toMillis());
                dead.decrementAndGet();
                LOG.infof("batch worker %d restarted", slot);
            }
            while (!closed) {
                serving = ready.poll(1, TimeUnit.SECONDS);
                if (serving != null) {
                    serving.gather(batch);
                    run(serving, batch, Kind.NEXT_TOKEN);
                    run(serving, batch, Kind.TOKEN_SCORES);
                    batch.clear();
                }
            }
        } catch (Throwable t) {
            if (!closed) { // an interrupt when closed is the way out
                died(slot, serving, batch, t);
            }
        }
    }

    private void run(ModelQueue model, List<Task> all, Kind kind) {
        List<Task> tasks = new ArrayList<>(all.size());
        List<int[]> inputs = new ArrayList<>(all.size());
        for (Task t : all) {
            if (t.kind() == kind) {
                try {
                    inputs.add(t.input().get());
                    tasks.add(t);
                } catch (RuntimeException e) { // a text that cannot be encoded fails its own request only
                    t.fail(e);
                }
            }
        }
        if (tasks.isEmpty()) {
            return;
        }
        int width = inputs.stream().mapToInt(ids -> ids.length).max().orElse(1);
        try {
            int[][] ids = new int[tasks.size()][width];
            int[] lengths = new int[tasks.size()];
            for (int i = 0; i < tasks.size(); i++) {
                System.arraycopy(inputs.get(i), 0, ids[i], 0, inputs.get(i).length);
                lengths[i] = inputs.get(i).length;
            }
            long start = System.nanoTime();
            float[][] out = kind == Kind.NEXT_TOKEN ? model.runtime.nextTokenLogProbs(ids, lengths) : model.runtime.tokenLogProbs(ids, lengths);
            ModelMeters.since(model.meters.forward, start);
            model.meters.batchSize.record(tasks.size());
            for (int i = 0; i < tasks.size(); i++) {
                tasks.get(i).leave(); // before the answer: its caller may swap the model as soon as it has it
                tasks.get(i).result().complete(new Forward(inputs.get(i), out[i]));
            }
        } catch (OutOfMemoryError e) {
            RuntimeException failure = LmForgeException.resourceExhausted(
                    "model %s ran out of memory on a batch of %d sequences of up to %d tokens (%s); retry, or send shorter texts",
                    model.name, tasks.size(), width, e.getMessage());
            tasks.forEach(t -> t.fail(failure));
        } catch (Throwable e) { // whatever the model throws fails this batch, never the worker
            RuntimeException failure = new IllegalStateException("model " + model.name + " failed on a batch of " + tasks.size() + " sequences: " + e, e);
            tasks.forEach(t -> t.fail(failure));
        }
    }

    /** A worker died outside a batch's own handling (say, out of memory again while failing it): nobody may wait for it. */
    private void died(int slot, ModelQueue serving, List<Task> held, Throwable cause) {
        lastCrash = "a batch worker died (" + cause + ")" + (serving == null ? "" : " serving model " + serving.name)
                + " and restarts within " + RESTART_DELAY.toMillis() + " ms";
        int deadNow = dead.incrementAndGet();
        try {
            LOG.errorf(cause, "batch worker %d died; restarting it in %s", slot, RESTART_DELAY);
            LmForgeException failure = LmForgeException.unavailable(lastCrash + "; retry", cause);
            held.forEach(t -> t.fail(failure));
            if (deadNow == workers.length) {
                failAllQueued();
            }
        } finally {
            startWorker(slot, true);
        }
    }

    private void failAllQueued() {
        LmForgeException failure = LmForgeException.unavailable("no batch worker is alive: " + lastCrash + "; retry", null);
        queues.forEach(q -> q.fail(failure));
    }

    private static LmForgeException unloaded() {
        return LmForgeException.unavailable("the model was unloaded; retry", null);
    }

    /** Stops the workers; what is queued fails, what is running finishes. */
    @PreDestroy
    public void close() {
        synchronized (this) {
            closed = true;
            for (Thread t : workers) {
                t.interrupt();
            }
        }
        queues.forEach(ModelQueue::close);
    }
}
