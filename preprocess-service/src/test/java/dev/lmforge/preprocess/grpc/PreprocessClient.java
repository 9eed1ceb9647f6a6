package dev.lmforge.preprocess.grpc;

import dev.lmforge.common.testing.TestTokens;
import com.google.protobuf.ByteString;
import dev.lmforge.api.v1.Channel;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusServiceGrpc;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.api.v1.FileChunk;
import dev.lmforge.api.v1.IngestCorpusRequest;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** A gRPC client of the service under test. */
public final class PreprocessClient implements AutoCloseable {

    public record Upload(String name, Channel channel, byte[] bytes) {
        public static Upload text(String name, String text) {
            return new Upload(name, Channel.CHANNEL_UNSPECIFIED, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final ManagedChannel channel;
    public final CorpusServiceGrpc.CorpusServiceBlockingStub corpora;

    public PreprocessClient(URL root) {
        this(root, TestTokens.admin());
    }

    /** A client calling with another identity, e.g. another tenant's token. */
    public PreprocessClient(URL root, ClientInterceptor identity) {
        channel = ManagedChannelBuilder.forAddress(root.getHost(), root.getPort()).usePlaintext().intercept(identity).build();
        corpora = CorpusServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.MINUTES);
    }

    /** An IngestCorpus call the test drives message by message. */
    public record OpenUpload(StreamObserver<IngestCorpusRequest> requests, CompletableFuture<Corpus> result) {
        public void send(CorpusSpec spec) {
            requests.onNext(IngestCorpusRequest.newBuilder().setSpec(spec).build());
        }

        public void send(FileChunk chunk) {
            requests.onNext(IngestCorpusRequest.newBuilder().setChunk(chunk).build());
        }

        /** The corpus, or throws the call's StatusRuntimeException. */
        public Corpus await() {
            try {
                return result.get(2, TimeUnit.MINUTES);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public OpenUpload open() {
        CompletableFuture<Corpus> result = new CompletableFuture<>();
        StreamObserver<IngestCorpusRequest> requests = CorpusServiceGrpc.newStub(channel).withDeadlineAfter(2, TimeUnit.MINUTES)
                .ingestCorpus(new StreamObserver<>() {
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
                    }
                });
        return new OpenUpload(requests, result);
    }

    /** Uploads in 64 KiB chunks; returns the corpus or throws the call's StatusRuntimeException. */
    public Corpus ingest(CorpusSpec spec, Upload... files) {
        OpenUpload upload = open();
        if (spec != null) {
            upload.send(spec);
        }
        for (Upload f : files) {
            int off = 0;
            do {
                int n = Math.min(65536, f.bytes().length - off);
                upload.send(FileChunk.newBuilder().setFileName(f.name()).setChannel(f.channel()).setData(ByteString.copyFrom(f.bytes(), off, n)).build());
                off += n;
            } while (off < f.bytes().length);
        }
        upload.requests().onCompleted();
        return upload.await();
    }

    /** Uploads one file read from a stream in 64 KiB chunks, stopping early once the call has ended. */
    public Corpus ingest(CorpusSpec spec, String fileName, InputStream content) throws IOException {
        OpenUpload upload = open();
        upload.send(spec);
        byte[] buffer = new byte[65536];
        int n;
        while (!upload.result().isDone() && (n = content.readNBytes(buffer, 0, buffer.length)) > 0) {
            upload.send(FileChunk.newBuilder().setFileName(fileName).setData(ByteString.copyFrom(buffer, 0, n)).build());
        }
        upload.requests().onCompleted();
        return upload.await();
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
