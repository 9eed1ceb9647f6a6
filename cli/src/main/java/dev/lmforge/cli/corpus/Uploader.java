package dev.lmforge.cli.corpus;

import com.google.protobuf.ByteString;
import dev.lmforge.api.v1.Channel;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.api.v1.FileChunk;
import dev.lmforge.api.v1.IngestCorpusRequest;
import dev.lmforge.cli.support.ProgressBar;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Streams local files to IngestCorpus with flow control: a chunk goes out only when the transport
 * is ready for it, so a slow server holds the upload back instead of filling memory.
 */
final class Uploader implements ClientResponseObserver<IngestCorpusRequest, Corpus> {

    static final int CHUNK_BYTES = 256 * 1024;

    record LocalFile(Path path, Channel channel) {
    }

    private final CorpusSpec spec;
    private final List<LocalFile> files;
    private final ProgressBar progress;
    private final CompletableFuture<Corpus> result = new CompletableFuture<>();
    private final byte[] buffer = new byte[CHUNK_BYTES];
    private ClientCallStreamObserver<IngestCorpusRequest> requests;
    private boolean specSent;
    private int next;
    private LocalFile file;
    private InputStream in;
    private boolean fileAnnounced;
    private long sent;
    private boolean done;

    Uploader(CorpusSpec spec, List<LocalFile> files, ProgressBar progress) {
        this.spec = spec;
        this.files = files;
        this.progress = progress;
    }

    CompletableFuture<Corpus> result() {
        return result;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<IngestCorpusRequest> requestStream) {
        this.requests = requestStream;
        requestStream.setOnReadyHandler(this::pump);
    }

    private synchronized void pump() {
        try {
            while (!done && requests.isReady()) {
                if (!specSent) {
                    requests.onNext(IngestCorpusRequest.newBuilder().setSpec(spec).build());
                    specSent = true;
                    continue;
                }
                FileChunk chunk = nextChunk();
                if (chunk == null) {
                    done = true;
                    requests.onCompleted();
                    progress.status("cleaning and splitting on the server ...");
                    return;
                }
                requests.onNext(IngestCorpusRequest.newBuilder().setChunk(chunk).build());
                sent += chunk.getData().size();
                progress.update(sent);
            }
        } catch (IOException e) {
            done = true;
            requests.onError(Status.CANCELLED.withDescription("reading " + file.path() + " failed").asRuntimeException());
            result.completeExceptionally(new IOException("reading " + file.path() + " failed: " + e.getMessage(), e));
        }
    }

    /** The next chunk of the current file, or of the next one; an empty file is announced by one empty chunk. */
    private FileChunk nextChunk() throws IOException {
        while (true) {
            if (in == null) {
                if (next == files.size()) {
                    return null;
                }
                file = files.get(next++);
                in = Files.newInputStream(file.path());
                fileAnnounced = false;
            }
            int n = in.readNBytes(buffer, 0, buffer.length);
            if (n > 0 || !fileAnnounced) {
                fileAnnounced = true;
                if (n < buffer.length) {
                    in.close();
                    in = null;
                }
                return FileChunk.newBuilder().setFileName(file.path().toString()).setChannel(file.channel())
                        .setData(ByteString.copyFrom(buffer, 0, n)).build();
            }
            in.close();
            in = null;
        }
    }

    @Override
    public void onNext(Corpus corpus) {
        result.complete(corpus);
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        result.completeExceptionally(new IllegalStateException("the service ended the upload without a corpus"));
    }
}
