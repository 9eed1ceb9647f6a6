package dev.lmforge.cli.corpus;

import dev.lmforge.api.v1.CorpusServiceGrpc;
import dev.lmforge.api.v1.GetCorpusRequest;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", mixinStandardHelpOptions = true, description = "Show a corpus and its statistics.")
public class CorpusGetCommand implements Runnable {

    @GrpcClient("preprocess")
    CorpusServiceGrpc.CorpusServiceBlockingStub corpora;

    @Parameters(paramLabel = "ID", description = "The corpus id.")
    String corpusId;

    @Option(names = "--json", description = "Print the corpus as JSON.")
    boolean json;

    @Override
    public void run() {
        CorpusPrinter.print(corpora.getCorpus(GetCorpusRequest.newBuilder().setCorpusId(corpusId).build()), json);
    }
}
