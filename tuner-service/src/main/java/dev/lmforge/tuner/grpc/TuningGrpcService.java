package dev.lmforge.tuner.grpc;

import dev.lmforge.common.security.EventPrincipals;
import dev.lmforge.common.security.CallerContext;
import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.CreateTuningJobRequest;
import dev.lmforge.api.v1.DescribeTuningJobRequest;
import dev.lmforge.api.v1.ListTuningJobsRequest;
import dev.lmforge.api.v1.ListTuningJobsResponse;
import dev.lmforge.api.v1.StopTuningJobRequest;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.api.v1.TuningServiceGrpc;
import dev.lmforge.tuner.service.TuningJobs;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

import static dev.lmforge.common.grpc.GrpcCalls.unary;

/** The TuningService API; each call acts in its caller's tenant, read here and handed to the domain. */
@GrpcService
public class TuningGrpcService extends TuningServiceGrpc.TuningServiceImplBase {

    private final TuningJobs jobs;

    public TuningGrpcService(TuningJobs jobs) {
        this.jobs = jobs;
    }

    @Override
    @Blocking
    public void createTuningJob(CreateTuningJobRequest request, StreamObserver<TuningJob> response) {
        unary(response, () -> jobs.create(CallerContext.tenant(), request.getSpec(), EventPrincipals.describe(Principal.newBuilder(), CallerContext.current()).build()));
    }

    @Override
    @Blocking
    public void describeTuningJob(DescribeTuningJobRequest request, StreamObserver<TuningJob> response) {
        unary(response, () -> jobs.describe(CallerContext.tenant(), request.getTuningJobName()));
    }

    @Override
    @Blocking
    public void listTuningJobs(ListTuningJobsRequest request, StreamObserver<ListTuningJobsResponse> response) {
        unary(response, () -> {
            var page = jobs.list(CallerContext.tenant(), request.getStatusEquals(), request.getNameContains(), request.getPageToken(), request.getPageSize());
            return ListTuningJobsResponse.newBuilder().addAllTuningJobs(page.items()).setNextPageToken(page.nextPageToken()).build();
        });
    }

    @Override
    @Blocking
    public void stopTuningJob(StopTuningJobRequest request, StreamObserver<TuningJob> response) {
        unary(response, () -> jobs.stop(CallerContext.tenant(), request.getTuningJobName()));
    }
}
