package dev.lmforge.tuner.grpc;

import dev.lmforge.common.security.EventPrincipals;
import dev.lmforge.common.security.CallerContext;
import dev.lmforge.api.v1.Principal;
import com.google.protobuf.ByteString;
import dev.lmforge.api.v1.CreateStudyRequest;
import dev.lmforge.api.v1.DescribeStudyRequest;
import dev.lmforge.api.v1.GetStudyReportRequest;
import dev.lmforge.api.v1.ListStudiesRequest;
import dev.lmforge.api.v1.ListStudiesResponse;
import dev.lmforge.api.v1.ReportFile;
import dev.lmforge.api.v1.Study;
import dev.lmforge.api.v1.StudyServiceGrpc;
import dev.lmforge.common.grpc.GrpcErrors;
import dev.lmforge.tuner.study.Studies;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

import java.util.List;
import java.util.Map;

import static dev.lmforge.common.grpc.GrpcCalls.unary;

/** The StudyService API; each call acts in its caller's tenant, read here and handed to the domain. */
@GrpcService
public class StudyGrpcService extends StudyServiceGrpc.StudyServiceImplBase {

    private final Studies studies;

    public StudyGrpcService(Studies studies) {
        this.studies = studies;
    }

    @Override
    @Blocking
    public void createStudy(CreateStudyRequest request, StreamObserver<Study> response) {
        unary(response, () -> studies.create(CallerContext.tenant(), request.getSpec(), EventPrincipals.describe(Principal.newBuilder(), CallerContext.current()).build()));
    }

    @Override
    @Blocking
    public void describeStudy(DescribeStudyRequest request, StreamObserver<Study> response) {
        unary(response, () -> studies.describe(CallerContext.tenant(), request.getStudyName()));
    }

    @Override
    @Blocking
    public void listStudies(ListStudiesRequest request, StreamObserver<ListStudiesResponse> response) {
        unary(response, () -> ListStudiesResponse.newBuilder().addAllStudies(studies.list(CallerContext.tenant())).build());
    }

    @Override
    @Blocking
    public void getStudyReport(GetStudyReportRequest request, StreamObserver<ReportFile> response) {
        List<Map.Entry<String, byte[]>> files;
        try {
            files = studies.report(CallerContext.tenant(), request.getStudyName());
        } catch (RuntimeException e) {
            response.onError(GrpcErrors.toStatus(e));
            return;
        }
        for (Map.Entry<String, byte[]> f : files) {
            response.onNext(ReportFile.newBuilder().setName(f.getKey()).setContent(ByteString.copyFrom(f.getValue())).build());
        }
        response.onCompleted();
    }
}
