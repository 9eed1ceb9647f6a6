package dev.lmforge.cli.dataset;

import dev.lmforge.api.v1.DatasetServiceGrpc;
import dev.lmforge.api.v1.DeleteDatasetRequest;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a dataset and all its objects.")
public class DatasetDeleteCommand implements Runnable {

    @GrpcClient("tokenizer")
    DatasetServiceGrpc.DatasetServiceBlockingStub datasets;

    @Parameters(paramLabel = "ID")
    String datasetId;

    @Override
    public void run() {
        int n = datasets.deleteDataset(DeleteDatasetRequest.newBuilder().setDatasetId(datasetId).build()).getObjectsDeleted();
        System.out.printf("deleted dataset %s (%d objects)%n", datasetId, n);
    }
}
