package dev.lmforge.console.web;

import dev.lmforge.api.v1.CreateDatasetRequest;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.GetDatasetRequest;
import dev.lmforge.api.v1.ListCorporaRequest;
import dev.lmforge.api.v1.ListDatasetsRequest;
import dev.lmforge.api.v1.TokenizerKind;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.console.backend.Backends;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.List;
import java.util.Locale;

/** Datasets: tokenizer, tokens per split and unknown rate; a new one from a corpus. */
@Path("/datasets")
@Blocking
public class DatasetsResource {

    @Inject
    Template datasets;
    @Inject
    Template dataset;
    @Inject
    Backends backends;
    @Inject
    SignedIn signedIn;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance list(@RestQuery("page_token") String pageToken) {
        var user = signedIn.user();
        var page = backends.datasets(user).listDatasets(ListDatasetsRequest.newBuilder().setPageSize(Links.PAGE_SIZE)
                .setPageToken(pageToken == null ? "" : pageToken).build());
        var corpora = user.mayEdit()
                ? backends.corpora(user).listCorpora(ListCorporaRequest.newBuilder().setPageSize(Links.PAGE_SIZE).build()).getCorporaList()
                : List.of();
        return datasets.data("user", user).data("datasets", page.getDatasetsList()).data("next", page.getNextPageToken()).data("corpora", corpora);
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance get(@RestPath String id) {
        var user = signedIn.user();
        Dataset d = backends.datasets(user).getDataset(GetDatasetRequest.newBuilder().setDatasetId(id).build());
        return dataset.data("user", user).data("dataset", d);
    }

    @POST
    public Response create(@RestForm("dataset_id") String datasetId, @RestForm("corpus_id") String corpusId,
                           @RestForm String tokenizer, @RestForm("vocab_size") int vocabSize, @RestForm("min_count") int minCount) {
        var user = signedIn.user();
        TokenizerKind kind;
        try {
            kind = TokenizerKind.valueOf("TOKENIZER_KIND_" + (tokenizer == null ? "" : tokenizer.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tokenizer must be word, bpe or unigram, not '" + tokenizer + "'");
        }
        Dataset created = backends.datasets(user).createDataset(CreateDatasetRequest.newBuilder().setDatasetId(datasetId == null ? "" : datasetId.trim())
                .setCorpusId(corpusId == null ? "" : corpusId.trim())
                .setTokenizer(TokenizerSpec.newBuilder().setKind(kind).setVocabSize(vocabSize).setMinCount(minCount)).build());
        return Response.seeOther(Links.dataset(created.getDatasetId())).build();
    }
}
