package dev.lmforge.cli.corpus;

import picocli.CommandLine.Mixin;
import dev.lmforge.cli.support.Output;
import dev.lmforge.api.v1.CorpusServiceGrpc;
import dev.lmforge.api.v1.GetCorpusRequest;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "get", mixinStandardHelpOptions = true, description = "Show a corpus and its statistics.")
public class CorpusGetCommand implements Runnable {

    @GrpcClient("preprocess")
    CorpusServiceGrpc.CorpusServiceBlockingStub corpora;

    @Parameters(paramLabel = "ID", description = "The corpus id.")
    String corpusId;

    @Mixin
    Output output;

    @Override
    public void run() {
        CorpusPrinter.print(corpora.getCorpus(GetCorpusRequest.newBuilder().setCorpusId(corpusId).build()), output.json());
    }
}
