package dev.lmforge.cli.corpus;

import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusServiceGrpc;
import dev.lmforge.api.v1.ListCorporaRequest;
import dev.lmforge.api.v1.ListCorporaResponse;
import dev.lmforge.cli.support.Format;
import dev.lmforge.cli.support.Output;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List the corpora.")
public class CorpusListCommand implements Runnable {

    @GrpcClient("preprocess")
    CorpusServiceGrpc.CorpusServiceBlockingStub corpora;

    @Mixin
    Output output;

    @Override
    public void run() {
        ListCorporaResponse.Builder all = ListCorporaResponse.newBuilder();
        String token = "";
        do {
            ListCorporaResponse page = corpora.listCorpora(ListCorporaRequest.newBuilder().setPageSize(100).setPageToken(token).build());
            all.addAllCorpora(page.getCorporaList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        if (output.json()) {
            Output.printJson(all);
            return;
        }
        System.out.printf("%-40s %12s %14s %12s  %s%n", "CORPUS", "DOCUMENTS", "WORDS", "VOCABULARY", "CREATED");
        for (Corpus c : all.getCorporaList()) {
            System.out.printf("%-40s %12s %14s %12s  %s%n", c.getCorpusId(), Format.count(c.getStats().getDocuments()),
                    Format.count(c.getStats().getWords()), Format.count(c.getStats().getVocabularySize()), Format.time(c.getCreatedAt()));
        }
    }
}
