package dev.lmforge.inference.service;

import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.common.text.Tokenizer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded model version. Requests hold it while they run ({@link #acquire}/{@link #release}); a
 * retired version stops taking new requests and is closed when the last one releases it, so swapping
 * or unloading never fails a request in flight.
 */
final class LoadedModel {

    final String version;
    final ModelCard card;
    final LanguageModelRuntime runtime;
    final Tokenizer codec;
    final BatchScheduler.ModelQueue queue;
    final ModelMeters meters;
    private final AtomicInteger users = new AtomicInteger();
    private volatile boolean retired;
    private boolean closed;

    LoadedModel(String version, ModelCard card, LanguageModelRuntime runtime, Tokenizer codec, BatchScheduler.ModelQueue queue, ModelMeters meters) {
        this.version = version;
        this.card = card;
        this.runtime = runtime;
        this.codec = codec;
        this.queue = queue;
        this.meters = meters;
    }

    /** False once retired: the caller must pick another version. */
    boolean acquire() {
        users.incrementAndGet();
        if (retired) {
            release();
            return false;
        }
        return true;
    }

    void release() {
        if (users.decrementAndGet() == 0 && retired) {
            closeOnce();
        }
    }

    void retire() {
        retired = true;
        if (users.get() == 0) {
            closeOnce();
        }
    }

    private synchronized void closeOnce() {
        if (!closed && users.get() == 0) {
            closed = true;
            queue.close();
            runtime.close();
            meters.remove();
        }
    }
}
