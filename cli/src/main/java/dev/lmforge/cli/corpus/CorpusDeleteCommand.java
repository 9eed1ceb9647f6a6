package dev.lmforge.cli.corpus;

import dev.lmforge.api.v1.CorpusServiceGrpc;
import dev.lmforge.api.v1.DeleteCorpusRequest;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a corpus and all its objects.")
public class CorpusDeleteCommand implements Runnable {

    @GrpcClient("preprocess")
    CorpusServiceGrpc.CorpusServiceBlockingStub corpora;

    @Parameters(paramLabel = "ID", description = "The corpus id.")
    String corpusId;

    @Override
    public void run() {
        int n = corpora.deleteCorpus(DeleteCorpusRequest.newBuilder().setCorpusId(corpusId).build()).getObjectsDeleted();
        System.out.printf("deleted corpus %s (%d objects)%n", corpusId, n);
    }
}
