package dev.lmforge.preprocess.grpc;

import dev.lmforge.api.v1.FileChunk;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.preprocess.service.CorpusSource;
import dev.lmforge.preprocess.service.InputLimits;
import dev.lmforge.preprocess.service.IncomingFile;
import io.grpc.Status;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Bridges a client-streaming upload to the pipeline's blocking reads with flow control: the gRPC
 * side offers chunks and asks the client for more only while fewer than {@code capacityBytes} are
 * buffered, so a slow pipeline holds the client back instead of filling the heap. The client is
 * bounded too: in all it may send {@code maxUploadBytes}, and the pipeline's thread waits at most
 * {@code idleTimeout} for its next chunk.
 */
final class UploadStream implements CorpusSource {

    static final String IDLE_TIMEOUT_KEY = "lmforge.preprocess.upload-idle-timeout";

    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final IntConsumer requestMore;
    private final long capacityBytes;
    private final long maxUploadBytes;
    private final Duration idleTimeout;
    /** Counted as whole messages, so that chunks with empty data and long names are held back too. */
    private long bufferedBytes;
    private long receivedBytes;
    private boolean tooLarge;
    private boolean requestOwed;
    /** A chunk taken from the queue that starts the next file. */
    private Object lookahead;
    private FileStream current;

    UploadStream(IntConsumer requestMore, long capacityBytes, long maxUploadBytes, Duration idleTimeout) {
        this.requestMore = requestMore;
        this.capacityBytes = capacityBytes;
        this.maxUploadBytes = maxUploadBytes;
        this.idleTimeout = idleTimeout;
    }

    // ---- producer side: the gRPC call ----

    void offer(FileChunk chunk) {
        boolean ask;
        synchronized (this) {
            if (tooLarge) {
                return;
            }
            receivedBytes += chunk.getSerializedSize();
            if (receivedBytes > maxUploadBytes) {
                // Nothing more is requested, so the client is held back until the call fails.
                tooLarge = true;
                queue.add(LmForgeException.resourceExhausted("the upload is larger than %d bytes: split it into several corpora, or raise %s",
                        maxUploadBytes, InputLimits.MAX_CORPUS_BYTES_KEY));
                return;
            }
            queue.add(chunk);
            bufferedBytes += chunk.getSerializedSize();
            ask = bufferedBytes < capacityBytes;
            requestOwed = !ask;
        }
        if (ask) {
            requestMore.accept(1);
        }
    }

    void finish() {
        queue.add(END);
    }

    void fail(Throwable t) {
        queue.add(t);
    }

    // ---- consumer side: the pipeline's thread ----

    private Object take() throws IOException {
        Object item;
        if (lookahead != null) {
            item = lookahead;
            lookahead = null;
            return item;
        }
        try {
            // An empty queue means a chunk was asked for: the wait is the client's silence.
            item = queue.poll(idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the upload", e);
        }
        if (item == null) {
            throw idle(idleTimeout, "the upload sent nothing more");
        }
        if (item instanceof FileChunk chunk) {
            boolean ask;
            synchronized (this) {
                bufferedBytes -= chunk.getSerializedSize();
                ask = requestOwed && bufferedBytes < capacityBytes;
                if (ask) {
                    requestOwed = false;
                }
            }
            if (ask) {
                requestMore.accept(1);
            }
        } else if (item instanceof Throwable t) {
            queue.add(t);
            if (t instanceof LmForgeException e) {
                throw e;
            }
            throw new IOException("the upload was interrupted: " + t.getMessage(), t);
        } else {
            queue.add(END);
        }
        return item;
    }

    /**
     * DEADLINE_EXCEEDED: a server-side time limit ran out before the upload completed. Not CANCELLED,
     * which says the caller gave up; here the caller is still connected but silent.
     */
    static RuntimeException idle(Duration timeout, String what) {
        return Status.DEADLINE_EXCEEDED.withDescription(String.format(
                "%s for %d s: send the next chunk sooner, or complete the stream once the last file is sent (%s)",
                what, timeout.toSeconds(), IDLE_TIMEOUT_KEY)).asRuntimeException();
    }

    @Override
    public IncomingFile next() throws IOException {
        if (current != null) {
            current.skipRest();
        }
        Object item = take();
        if (item == END) {
            return null;
        }
        FileChunk first = (FileChunk) item;
        if (first.getFileName().isEmpty()) {
            throw LmForgeException.invalidArgument("every chunk must carry its file's name");
        }
        current = new FileStream(first);
        return new IncomingFile(first.getFileName(), first.getChannel(), current);
    }

    /** The bytes of one file: its chunks, up to the first chunk of another file (another name, or the same in another channel). */
    private final class FileStream extends InputStream {
        private final String name;
        private FileChunk chunk;
        private int pos;
        private boolean ended;

        FileStream(FileChunk first) {
            this.name = first.getFileName();
            this.chunk = first;
        }

        private boolean fill() throws IOException {
            while (!ended && pos == chunk.getData().size()) {
                Object item = take();
                // A file is a name in a channel: the same file sent as validation and as test data is two files.
                if (item instanceof FileChunk next && next.getFileName().equals(name) && next.getChannel() == chunk.getChannel()) {
                    chunk = next;
                    pos = 0;
                } else {
                    lookahead = item;
                    ended = true;
                }
            }
            return !ended;
        }

        @Override
        public int read() throws IOException {
            return fill() ? chunk.getData().byteAt(pos++) & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, chunk.getData().size() - pos);
            chunk.getData().copyTo(b, pos, off, n);
            pos += n;
            return n;
        }

        void skipRest() throws IOException {
            while (fill()) {
                pos = chunk.getData().size();
            }
        }
    }
}
