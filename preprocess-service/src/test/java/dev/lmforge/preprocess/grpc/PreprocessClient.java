package dev.lmforge.preprocess.grpc;

import com.google.protobuf.ByteString;
import dev.lmforge.api.v1.Channel;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusServiceGrpc;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.api.v1.FileChunk;
import dev.lmforge.api.v1.IngestCorpusRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;

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
        channel = ManagedChannelBuilder.forAddress(root.getHost(), root.getPort()).usePlaintext().build();
        corpora = CorpusServiceGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.MINUTES);
    }

    /** Uploads in 64 KiB chunks; returns the corpus or throws the call's StatusRuntimeException. */
    public Corpus ingest(CorpusSpec spec, Upload... files) {
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
        if (spec != null) {
            requests.onNext(IngestCorpusRequest.newBuilder().setSpec(spec).build());
        }
        for (Upload f : files) {
            int off = 0;
            do {
                int n = Math.min(65536, f.bytes().length - off);
                requests.onNext(IngestCorpusRequest.newBuilder().setChunk(FileChunk.newBuilder().setFileName(f.name())
                        .setChannel(f.channel()).setData(ByteString.copyFrom(f.bytes(), off, n))).build());
                off += n;
            } while (off < f.bytes().length);
        }
        requests.onCompleted();
        try {
            return result.get(2, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
