package dev.lmforge.cli;

import dev.lmforge.api.v1.DatasetServiceGrpc;
import dev.lmforge.api.v1.TokenIds;
import dev.lmforge.api.v1.TokenizeRequest;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "tokenize", mixinStandardHelpOptions = true, description = "Show how a dataset's tokenizer splits texts: pieces and ids.")
public class TokenizeCommand implements Runnable {

    @GrpcClient("tokenizer")
    DatasetServiceGrpc.DatasetServiceBlockingStub datasets;

    @Option(names = "--dataset", required = true, paramLabel = "ID")
    String dataset;

    @Parameters(arity = "1..*", paramLabel = "TEXT")
    List<String> texts;

    @Override
    public void run() {
        List<TokenIds> results = datasets.tokenize(TokenizeRequest.newBuilder().setDatasetId(dataset).addAllTexts(texts).build()).getResultsList();
        for (TokenIds r : results) {
            System.out.println(String.join(" | ", r.getPiecesList()));
            System.out.println(r.getIdsList());
        }
    }
}
