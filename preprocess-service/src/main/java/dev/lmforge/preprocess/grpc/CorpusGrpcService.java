package dev.lmforge.preprocess.grpc;

import dev.lmforge.common.security.EventPrincipals;
import dev.lmforge.api.v1.Principal;
import dev.lmforge.common.security.CallerContext;
import dev.lmforge.api.v1.Channel;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusServiceGrpc;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.api.v1.DeleteCorpusRequest;
import dev.lmforge.api.v1.DeleteCorpusResponse;
import dev.lmforge.api.v1.GetCorpusRequest;
import dev.lmforge.api.v1.ImportCorpusRequest;
import dev.lmforge.api.v1.IngestCorpusRequest;
import dev.lmforge.api.v1.ListCorporaRequest;
import dev.lmforge.api.v1.ListCorporaResponse;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.grpc.GrpcErrors;
import dev.lmforge.preprocess.service.CorpusIngestion;
import dev.lmforge.preprocess.service.CorpusStore;
import dev.lmforge.preprocess.service.PreprocessConfig;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.opentelemetry.context.Context;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static dev.lmforge.common.grpc.GrpcCalls.unary;

/**
 * The CorpusService API. Uploads are flow-controlled by hand (see {@link UploadStream}); the
 * pipeline runs on a worker thread while the upload is still arriving. An upload silent for
 * {@code lmforge.preprocess.upload-idle-timeout}, before its spec or midway, fails.
 */
@GrpcService
public class CorpusGrpcService extends CorpusServiceGrpc.CorpusServiceImplBase {

    private static final Logger LOG = Logger.getLogger(CorpusGrpcService.class);

    private final CorpusIngestion ingestion;
    private final PreprocessConfig config;
    private final Vertx vertx;

    public CorpusGrpcService(CorpusIngestion ingestion, PreprocessConfig config, Vertx vertx) {
        this.ingestion = ingestion;
        this.config = config;
        this.vertx = vertx;
    }

    /** Where an upload stands; the spec timer and the client's messages race for the first move. */
    private enum Phase { AWAITING_SPEC, UPLOADING, TIMED_OUT }

    @Override
    public StreamObserver<IngestCorpusRequest> ingestCorpus(StreamObserver<Corpus> responseObserver) {
        ServerCallStreamObserver<Corpus> call = (ServerCallStreamObserver<Corpus>) responseObserver;
        call.disableAutoRequest();
        Duration idleTimeout = config.uploadIdleTimeout();
        UploadStream upload = new UploadStream(call::request, config.uploadBufferBytes(), config.maxCorpusBytes(), idleTimeout);
        AtomicReference<Phase> phase = new AtomicReference<>(Phase.AWAITING_SPEC);
        // Before the spec no thread waits on the client, so a timer bounds how long the call stays open.
        long specTimer = vertx.setTimer(idleTimeout.toMillis(), id -> {
            if (phase.compareAndSet(Phase.AWAITING_SPEC, Phase.TIMED_OUT)) {
                fail(responseObserver, UploadStream.idle(idleTimeout, "the upload sent no corpus spec"));
            }
        });
        // The upload runs on a worker without the call's context: who asked is taken now.
        Principal caller = caller();
        call.request(1);
        return new StreamObserver<>() {

            @Override
            public void onNext(IngestCorpusRequest request) {
                if (phase.get() == Phase.TIMED_OUT) {
                    return;
                }
                if (phase.compareAndSet(Phase.AWAITING_SPEC, Phase.UPLOADING)) {
                    vertx.cancelTimer(specTimer);
                    if (!request.hasSpec()) {
                        fail(responseObserver, LmForgeException.invalidArgument("the first message of an upload must carry the corpus spec"));
                        return;
                    }
                    start(request.getSpec());
                    call.request(1);
                } else if (request.hasChunk()) {
                    upload.offer(request.getChunk());
                } else {
                    upload.fail(LmForgeException.invalidArgument("the corpus spec was sent twice; send it only in the first message"));
                }
            }

            private void start(CorpusSpec spec) {
                // The worker carries on the call's trace (its server span is current while gRPC delivers a message).
                Infrastructure.getDefaultWorkerPool().execute(Context.current().wrap(() -> {
                    try {
                        Corpus corpus = ingestion.ingest(spec, upload, caller);
                        responseObserver.onNext(corpus);
                        responseObserver.onCompleted();
                    } catch (RuntimeException e) {
                        fail(responseObserver, e);
                    }
                }));
            }

            @Override
            public void onError(Throwable t) {
                vertx.cancelTimer(specTimer);
                upload.fail(t);
            }

            @Override
            public void onCompleted() {
                vertx.cancelTimer(specTimer);
                if (phase.compareAndSet(Phase.AWAITING_SPEC, Phase.UPLOADING)) {
                    fail(responseObserver, LmForgeException.invalidArgument("the upload is empty: send the corpus spec, then the files"));
                    return;
                }
                upload.finish();
            }
        };
    }

    private static Principal caller() {
        return EventPrincipals.describe(Principal.newBuilder(), CallerContext.current()).build();
    }

    private static void fail(StreamObserver<Corpus> responseObserver, RuntimeException e) {
        try {
            responseObserver.onError(GrpcErrors.toStatus(e));
        } catch (RuntimeException alreadyClosed) {
            LOG.debugf("upload already closed: %s", alreadyClosed.getMessage());
        }
    }

    @Override
    @Blocking
    public void importCorpus(ImportCorpusRequest request, StreamObserver<Corpus> response) {
        Map<Channel, String> channels = new EnumMap<>(Channel.class);
        putIfSet(channels, Channel.CHANNEL_TRAIN, request.getTrainUri());
        putIfSet(channels, Channel.CHANNEL_VALIDATION, request.getValidationUri());
        putIfSet(channels, Channel.CHANNEL_TEST, request.getTestUri());
        unary(response, () -> ingestion.importCorpus(request.getSpec(), request.getSourceUri(), channels, caller()));
    }

    private static void putIfSet(Map<Channel, String> channels, Channel channel, String uri) {
        if (!uri.isEmpty()) {
            channels.put(channel, uri);
        }
    }

    @Override
    @Blocking
    public void getCorpus(GetCorpusRequest request, StreamObserver<Corpus> response) {
        unary(response, () -> ingestion.get(CallerContext.tenant(), request.getCorpusId()));
    }

    @Override
    @Blocking
    public void listCorpora(ListCorporaRequest request, StreamObserver<ListCorporaResponse> response) {
        unary(response, () -> {
            CorpusStore.Page page = ingestion.list(CallerContext.tenant(), request.getPageToken(), request.getPageSize());
            ListCorporaResponse.Builder out = ListCorporaResponse.newBuilder().addAllCorpora(page.corpora());
            if (page.nextStartAfter() != null) {
                out.setNextPageToken(page.nextStartAfter());
            }
            return out.build();
        });
    }

    @Override
    @Blocking
    public void deleteCorpus(DeleteCorpusRequest request, StreamObserver<DeleteCorpusResponse> response) {
        unary(response, () -> DeleteCorpusResponse.newBuilder().setObjectsDeleted(ingestion.delete(CallerContext.tenant(), request.getCorpusId())).build());
    }
}
