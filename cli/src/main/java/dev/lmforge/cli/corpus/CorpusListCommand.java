package dev.lmforge.cli.corpus;

import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusServiceGrpc;
import dev.lmforge.api.v1.ListCorporaRequest;
import dev.lmforge.api.v1.ListCorporaResponse;
import dev.lmforge.cli.support.Format;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List the corpora.")
public class CorpusListCommand implements Runnable {

    @GrpcClient("preprocess")
    CorpusServiceGrpc.CorpusServiceBlockingStub corpora;

    @Override
    public void run() {
        System.out.printf("%-40s %12s %14s %12s  %s%n", "CORPUS", "DOCUMENTS", "WORDS", "VOCABULARY", "CREATED");
        String token = "";
        do {
            ListCorporaResponse page = corpora.listCorpora(ListCorporaRequest.newBuilder().setPageSize(100).setPageToken(token).build());
            for (Corpus c : page.getCorporaList()) {
                System.out.printf("%-40s %12s %14s %12s  %s%n", c.getCorpusId(), Format.count(c.getStats().getDocuments()),
                        Format.count(c.getStats().getWords()), Format.count(c.getStats().getVocabularySize()), Format.time(c.getCreatedAt()));
            }
            token = page.getNextPageToken();
        } while (!token.isEmpty());
    }
}
