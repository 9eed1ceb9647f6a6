package dev.lmforge.console.backend;

import com.google.protobuf.ByteString;
import dev.lmforge.api.v1.Channel;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusServiceGrpc;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.api.v1.FileChunk;
import dev.lmforge.api.v1.IngestCorpusRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Relays a browser's upload to IngestCorpus as it arrives, one chunk at a time and only when the
 * stream is ready for it: the console holds one chunk per upload, whatever the file's size. An
 * upload that breaks off cancels the call, so the service keeps no half corpus.
 */
public final class CorpusUpload {

    static final int CHUNK_BYTES = 256 * 1024;

    private CorpusUpload() {
    }

    public static Corpus relay(CorpusServiceGrpc.CorpusServiceStub stub, CorpusSpec spec, String fileName, InputStream body)
            throws IOException, InterruptedException {
        Semaphore ready = new Semaphore(0);
        CompletableFuture<Corpus> result = new CompletableFuture<>();
        ClientCallStreamObserver<IngestCorpusRequest> requests = (ClientCallStreamObserver<IngestCorpusRequest>) stub.ingestCorpus(
                new ClientResponseObserver<IngestCorpusRequest, Corpus>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<IngestCorpusRequest> stream) {
                        stream.setOnReadyHandler(ready::release);
                    }

                    @Override
                    public void onNext(Corpus corpus) {
                        result.complete(corpus);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                        ready.release();
                    }

                    @Override
                    public void onCompleted() {
                        result.completeExceptionally(new IllegalStateException("the service ended the upload without a corpus"));
                    }
                });
        try {
            send(requests, ready, result, IngestCorpusRequest.newBuilder().setSpec(spec).build());
            byte[] buffer = new byte[CHUNK_BYTES];
            boolean announced = false;
            int n;
            while (!result.isDone() && ((n = body.readNBytes(buffer, 0, buffer.length)) > 0 || !announced)) {
                announced = true;
                send(requests, ready, result, IngestCorpusRequest.newBuilder().setChunk(FileChunk.newBuilder()
                        .setFileName(fileName).setChannel(Channel.CHANNEL_UNSPECIFIED).setData(ByteString.copyFrom(buffer, 0, n))).build());
                if (n < buffer.length) {
                    break;
                }
            }
            if (!result.isDone()) {
                requests.onCompleted();
            }
            return result.get();
        } catch (IOException | InterruptedException | RuntimeException e) {
            requests.onError(Status.CANCELLED.withDescription("the browser's upload broke off").asRuntimeException());
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Sends once the stream can take it; when the service has already answered (an error), stops sending. */
    private static void send(ClientCallStreamObserver<IngestCorpusRequest> requests, Semaphore ready,
                             CompletableFuture<Corpus> result, IngestCorpusRequest request) throws InterruptedException {
        while (!requests.isReady() && !result.isDone()) {
            ready.tryAcquire(1, TimeUnit.SECONDS);
        }
        if (!result.isDone()) {
            requests.onNext(request);
        }
    }
}
