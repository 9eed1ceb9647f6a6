package dev.lmforge.trainer.grpc;

import dev.lmforge.common.security.EventPrincipals;
import dev.lmforge.common.security.CallerContext;
import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.CreateTrainingJobRequest;
import dev.lmforge.api.v1.DescribeTrainingJobRequest;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.ListTrainingJobsRequest;
import dev.lmforge.api.v1.ListTrainingJobsResponse;
import dev.lmforge.api.v1.StopTrainingJobRequest;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingProgress;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import dev.lmforge.api.v1.WatchTrainingJobRequest;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.grpc.GrpcErrors;
import dev.lmforge.common.metrics.MetricNames;
import dev.lmforge.trainer.service.TrainerConfig;
import dev.lmforge.trainer.service.TrainingJobs;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

import java.util.Objects;
import java.util.concurrent.Semaphore;

import static dev.lmforge.common.grpc.GrpcCalls.unary;

/**
 * The TrainingService API; jobs run elsewhere (whichever trainer takes the request from Kafka). Each
 * call acts in its caller's tenant, read here and handed to the domain.
 */
@GrpcService
public class TrainingGrpcService extends TrainingServiceGrpc.TrainingServiceImplBase {

    private static final long WATCH_POLL_MILLIS = 1000;

    private final TrainingJobs jobs;
    private final int maxWatches;
    private final Semaphore watches;

    public TrainingGrpcService(TrainingJobs jobs, TrainerConfig config) {
        this.jobs = jobs;
        this.maxWatches = config.maxWatches();
        this.watches = new Semaphore(maxWatches);
    }

    @Override
    @Blocking
    public void createTrainingJob(CreateTrainingJobRequest request, StreamObserver<TrainingJob> response) {
        unary(response, () -> request.getValidateOnly() ? jobs.validate(CallerContext.tenant(), request.getSpec())
                : jobs.create(CallerContext.tenant(), request.getSpec(), EventPrincipals.describe(Principal.newBuilder(), CallerContext.current()).build()));
    }

    @Override
    @Blocking
    public void describeTrainingJob(DescribeTrainingJobRequest request, StreamObserver<TrainingJob> response) {
        unary(response, () -> jobs.describe(CallerContext.tenant(), request.getTrainingJobName()));
    }

    @Override
    @Blocking
    public void listTrainingJobs(ListTrainingJobsRequest request, StreamObserver<ListTrainingJobsResponse> response) {
        unary(response, () -> {
            var page = jobs.list(CallerContext.tenant(), request.getStatusEquals(), request.getNameContains(), request.getPageToken(), request.getPageSize());
            return ListTrainingJobsResponse.newBuilder().addAllTrainingJobs(page.items()).setNextPageToken(page.nextPageToken()).build();
        });
    }

    @Override
    @Blocking
    public void stopTrainingJob(StopTrainingJobRequest request, StreamObserver<TrainingJob> response) {
        unary(response, () -> jobs.stop(CallerContext.tenant(), request.getTrainingJobName()));
    }

    /**
     * Streams the job's status and progress as they change (read from its record), until it ends or
     * the client leaves. Each watch holds a worker thread, so their number is capped; and nothing is
     * queued for a client that does not read: it gets the latest state once it reads again. The cap is
     * the trainer's (it guards its threads), shared by all tenants.
     */
    @Override
    @Blocking
    public void watchTrainingJob(WatchTrainingJobRequest request, StreamObserver<TrainingProgress> response) {
        ServerCallStreamObserver<TrainingProgress> call = (ServerCallStreamObserver<TrainingProgress>) response;
        String tenant = CallerContext.tenant();
        if (!watches.tryAcquire()) {
            response.onError(GrpcErrors.toStatus(LmForgeException.resourceExhausted(
                    "this trainer serves %d watches already (lmforge.trainer.max-watches): poll DescribeTrainingJob, or watch later", maxWatches)));
            return;
        }
        try {
            TrainingProgress last = null;
            int epochsSent = 0;
            while (!call.isCancelled()) {
                TrainingJob job = jobs.describe(tenant, request.getTrainingJobName());
                boolean ended = job.getStatus() != JobStatus.JOB_STATUS_IN_PROGRESS && job.getStatus() != JobStatus.JOB_STATUS_STOPPING;
                if (call.isReady()) {
                    for (; epochsSent < job.getEpochsCount(); epochsSent++) {
                        var m = job.getEpochs(epochsSent);
                        response.onNext(TrainingProgress.newBuilder().setTrainingJobName(request.getTrainingJobName()).setStatus(job.getStatus())
                                .setSecondaryStatus(job.getSecondaryStatus()).setEpoch(m.getEpoch()).setLoss(m.getTrainLoss())
                                .setTokensPerSecond(m.getTokensPerSecond()).setEvaluationSeconds(m.getEvaluationSeconds())
                                .addMetrics(metric(MetricNames.VALIDATION_LOSS, m.getValidationLoss()))
                                .addMetrics(metric(MetricNames.VALIDATION_PERPLEXITY, m.getValidationPerplexity()))
                                .addMetrics(metric(MetricNames.VALIDATION_BPC, m.getValidationBpc()))
                                .setMessage(String.format("epoch %d done", m.getEpoch())).build());
                    }
                    TrainingProgress now = job.getProgress().toBuilder().setTrainingJobName(request.getTrainingJobName())
                            .setStatus(job.getStatus()).setSecondaryStatus(job.getSecondaryStatus())
                            .setMessage(job.getSecondaryStatusTransitionsCount() == 0 ? ""
                                    : job.getSecondaryStatusTransitions(job.getSecondaryStatusTransitionsCount() - 1).getMessage())
                            .build();
                    if (!Objects.equals(now, last)) {
                        response.onNext(job.getStatus() == JobStatus.JOB_STATUS_COMPLETED ? now.toBuilder().addAllMetrics(job.getFinalMetricsList()).build() : now);
                        last = now;
                    }
                    if (ended) {
                        response.onCompleted();
                        return;
                    }
                }
                Thread.sleep(WATCH_POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.onError(GrpcErrors.toStatus(e));
        } catch (RuntimeException e) {
            response.onError(GrpcErrors.toStatus(e));
        } finally {
            watches.release();
        }
    }

    private static dev.lmforge.api.v1.Metric metric(String name, double value) {
        return dev.lmforge.api.v1.Metric.newBuilder().setName(name).setValue(value).build();
    }
}
