package dev.lmforge.cli.dataset;

import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.DatasetServiceGrpc;
import dev.lmforge.api.v1.ListDatasetsRequest;
import dev.lmforge.api.v1.ListDatasetsResponse;
import dev.lmforge.cli.support.Format;
import dev.lmforge.cli.support.Output;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List the datasets.")
public class DatasetListCommand implements Runnable {

    @GrpcClient("tokenizer")
    DatasetServiceGrpc.DatasetServiceBlockingStub datasets;

    @Option(names = "--corpus", paramLabel = "ID", description = "Only the datasets of this corpus.")
    String corpus = "";

    @Mixin
    Output output;

    @Override
    public void run() {
        ListDatasetsResponse.Builder all = ListDatasetsResponse.newBuilder();
        String token = "";
        do {
            ListDatasetsResponse page = datasets.listDatasets(ListDatasetsRequest.newBuilder().setPageSize(100).setPageToken(token).setCorpusId(corpus).build());
            all.addAllDatasets(page.getDatasetsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        if (output.json()) {
            Output.printJson(all);
            return;
        }
        System.out.printf("%-40s %-30s %-10s %-12s %10s %14s%n", "DATASET", "CORPUS", "TOKENIZER", "STATUS", "VOCABULARY", "TRAIN TOKENS");
        for (Dataset d : all.getDatasetsList()) {
            System.out.printf("%-40s %-30s %-10s %-12s %10s %14s%n", d.getDatasetId(), d.getCorpusId(), TokenizerKinds.name(d.getTokenizer().getKind()),
                    Format.status(d.getStatus()), Format.count(d.getVocabSize()),
                    d.containsSplits("train") ? Format.count(d.getSplitsOrThrow("train").getTokens()) : "-");
        }
    }
}
