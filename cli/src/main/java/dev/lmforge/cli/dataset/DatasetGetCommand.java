package dev.lmforge.cli.dataset;

import picocli.CommandLine.Mixin;
import dev.lmforge.cli.support.Output;
import dev.lmforge.api.v1.DatasetServiceGrpc;
import dev.lmforge.api.v1.GetDatasetRequest;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "get", mixinStandardHelpOptions = true, description = "Show a dataset: status, vocabulary, tokens per split.")
public class DatasetGetCommand implements Runnable {

    @GrpcClient("tokenizer")
    DatasetServiceGrpc.DatasetServiceBlockingStub datasets;

    @Parameters(paramLabel = "ID")
    String datasetId;

    @Mixin
    Output output;

    @Override
    public void run() {
        DatasetPrinter.print(datasets.getDataset(GetDatasetRequest.newBuilder().setDatasetId(datasetId).build()), output.json());
    }
}
