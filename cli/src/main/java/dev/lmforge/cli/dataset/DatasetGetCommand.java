package dev.lmforge.cli.dataset;

import dev.lmforge.api.v1.DatasetServiceGrpc;
import dev.lmforge.api.v1.GetDatasetRequest;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", mixinStandardHelpOptions = true, description = "Show a dataset: status, vocabulary, tokens per split.")
public class DatasetGetCommand implements Runnable {

    @GrpcClient("tokenizer")
    DatasetServiceGrpc.DatasetServiceBlockingStub datasets;

    @Parameters(paramLabel = "ID")
    String datasetId;

    @Option(names = "--json", description = "Print the dataset as JSON.")
    boolean json;

    @Override
    public void run() {
        DatasetPrinter.print(datasets.getDataset(GetDatasetRequest.newBuilder().setDatasetId(datasetId).build()), json);
    }
}
