package dev.lmforge.console.backend;

import dev.lmforge.api.v1.CorpusServiceGrpc;
import dev.lmforge.api.v1.DatasetServiceGrpc;
import dev.lmforge.api.v1.InferenceServiceGrpc;
import dev.lmforge.api.v1.MutinyInferenceServiceGrpc;
import dev.lmforge.api.v1.MutinyTrainingServiceGrpc;
import dev.lmforge.api.v1.MutinyTuningServiceGrpc;
import dev.lmforge.api.v1.StudyServiceGrpc;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import dev.lmforge.api.v1.TuningServiceGrpc;
import dev.lmforge.console.session.ConsoleUser;
import io.grpc.CallCredentials;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The five services, each call made as the signed-in person (their token as the bearer) with a
 * deadline, so a slow service costs a page an error, never a stuck worker thread.
 */
@ApplicationScoped
public class Backends {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    @Inject
    @GrpcClient("preprocess")
    CorpusServiceGrpc.CorpusServiceBlockingStub corpora;
    /** Client streaming with flow control needs the plain async stub, made on the injected channel. */
    @Inject
    @GrpcClient("preprocess")
    Channel preprocessChannel;
    @Inject
    @GrpcClient("tokenizer")
    DatasetServiceGrpc.DatasetServiceBlockingStub datasets;
    @Inject
    @GrpcClient("trainer")
    TrainingServiceGrpc.TrainingServiceBlockingStub training;
    @Inject
    @GrpcClient("trainer")
    MutinyTrainingServiceGrpc.MutinyTrainingServiceStub trainingWatch;
    @Inject
    @GrpcClient("tuner")
    TuningServiceGrpc.TuningServiceBlockingStub tuning;
    @Inject
    @GrpcClient("tuner")
    MutinyTuningServiceGrpc.MutinyTuningServiceStub tuningPolls;
    @Inject
    @GrpcClient("tuner")
    StudyServiceGrpc.StudyServiceBlockingStub studies;
    @Inject
    @GrpcClient("inference")
    InferenceServiceGrpc.InferenceServiceBlockingStub inference;
    @Inject
    @GrpcClient("inference")
    MutinyInferenceServiceGrpc.MutinyInferenceServiceStub inferenceStreams;

    @ConfigProperty(name = "lmforge.console.call-deadline", defaultValue = "15s")
    Duration callDeadline;
    @ConfigProperty(name = "lmforge.console.upload-deadline", defaultValue = "30m")
    Duration uploadDeadline;

    public CorpusServiceGrpc.CorpusServiceBlockingStub corpora(ConsoleUser user) {
        return unary(corpora, user);
    }

    /** The ingest stream: its deadline is the upload's, not a page's. */
    public CorpusServiceGrpc.CorpusServiceStub ingest(ConsoleUser user) {
        return as(CorpusServiceGrpc.newStub(preprocessChannel), user).withDeadlineAfter(uploadDeadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    public DatasetServiceGrpc.DatasetServiceBlockingStub datasets(ConsoleUser user) {
        return unary(datasets, user);
    }

    public TrainingServiceGrpc.TrainingServiceBlockingStub training(ConsoleUser user) {
        return unary(training, user);
    }

    /** A watch lasts as long as the job or the page: no deadline; closing the page cancels it. */
    public MutinyTrainingServiceGrpc.MutinyTrainingServiceStub trainingWatch(ConsoleUser user) {
        return as(trainingWatch, user);
    }

    public TuningServiceGrpc.TuningServiceBlockingStub tuning(ConsoleUser user) {
        return unary(tuning, user);
    }

    public MutinyTuningServiceGrpc.MutinyTuningServiceStub tuningPolls(ConsoleUser user) {
        return unary(tuningPolls, user);
    }

    public StudyServiceGrpc.StudyServiceBlockingStub studies(ConsoleUser user) {
        return unary(studies, user);
    }

    public InferenceServiceGrpc.InferenceServiceBlockingStub inference(ConsoleUser user) {
        return unary(inference, user);
    }

    public MutinyInferenceServiceGrpc.MutinyInferenceServiceStub inferenceStreams(ConsoleUser user) {
        return unary(inferenceStreams, user);
    }

    private <S extends AbstractStub<S>> S unary(S stub, ConsoleUser user) {
        return as(stub, user).withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static <S extends AbstractStub<S>> S as(S stub, ConsoleUser user) {
        return stub.withCallCredentials(new Bearer(user.token()));
    }

    private static final class Bearer extends CallCredentials {
        private final String token;

        Bearer(String token) {
            this.token = token;
        }

        @Override
        public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + token);
            applier.apply(headers);
        }
    }
}
