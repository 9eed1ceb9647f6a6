package dev.lmforge.tokenizer.grpc;

import dev.lmforge.common.security.EventPrincipals;
import dev.lmforge.api.v1.Principal;
import dev.lmforge.common.security.CallerContext;
import dev.lmforge.api.v1.CreateDatasetRequest;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.DatasetServiceGrpc;
import dev.lmforge.api.v1.DeleteDatasetRequest;
import dev.lmforge.api.v1.DeleteDatasetResponse;
import dev.lmforge.api.v1.DetokenizeRequest;
import dev.lmforge.api.v1.DetokenizeResponse;
import dev.lmforge.api.v1.GetDatasetRequest;
import dev.lmforge.api.v1.ListDatasetsRequest;
import dev.lmforge.api.v1.ListDatasetsResponse;
import dev.lmforge.api.v1.TokenizeRequest;
import dev.lmforge.api.v1.TokenizeResponse;
import dev.lmforge.tokenizer.service.DatasetStore;
import dev.lmforge.tokenizer.service.Datasets;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;

import static dev.lmforge.common.grpc.GrpcCalls.unary;

/** The DatasetService API; the work is in {@link Datasets}. */
@GrpcService
public class DatasetGrpcService extends DatasetServiceGrpc.DatasetServiceImplBase {

    private final Datasets datasets;

    public DatasetGrpcService(Datasets datasets) {
        this.datasets = datasets;
    }

    @Override
    @Blocking
    public void createDataset(CreateDatasetRequest request, StreamObserver<Dataset> response) {
        unary(response, () -> datasets.create(request, EventPrincipals.describe(Principal.newBuilder(), CallerContext.current()).build()));
    }

    @Override
    @Blocking
    public void getDataset(GetDatasetRequest request, StreamObserver<Dataset> response) {
        unary(response, () -> datasets.get(CallerContext.tenant(), request.getDatasetId()));
    }

    @Override
    @Blocking
    public void listDatasets(ListDatasetsRequest request, StreamObserver<ListDatasetsResponse> response) {
        unary(response, () -> {
            DatasetStore.Page page = datasets.list(CallerContext.tenant(), request.getPageToken(), request.getPageSize(), request.getCorpusId());
            ListDatasetsResponse.Builder out = ListDatasetsResponse.newBuilder().addAllDatasets(page.datasets());
            if (page.nextStartAfter() != null) {
                out.setNextPageToken(page.nextStartAfter());
            }
            return out.build();
        });
    }

    @Override
    @Blocking
    public void deleteDataset(DeleteDatasetRequest request, StreamObserver<DeleteDatasetResponse> response) {
        unary(response, () -> DeleteDatasetResponse.newBuilder().setObjectsDeleted(datasets.delete(CallerContext.tenant(), request.getDatasetId())).build());
    }

    @Override
    @Blocking
    public void tokenize(TokenizeRequest request, StreamObserver<TokenizeResponse> response) {
        unary(response, () -> TokenizeResponse.newBuilder()
                .addAllResults(datasets.tokenize(CallerContext.tenant(), request.getDatasetId(), request.getTextsList())).build());
    }

    @Override
    @Blocking
    public void detokenize(DetokenizeRequest request, StreamObserver<DetokenizeResponse> response) {
        unary(response, () -> DetokenizeResponse.newBuilder()
                .addAllTexts(datasets.detokenize(CallerContext.tenant(), request.getDatasetId(), request.getSequencesList())).build());
    }
}
