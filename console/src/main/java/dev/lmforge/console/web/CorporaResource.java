package dev.lmforge.console.web;

import dev.lmforge.api.v1.CleaningOptions;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.api.v1.DocumentBoundary;
import dev.lmforge.api.v1.GetCorpusRequest;
import dev.lmforge.api.v1.ListCorporaRequest;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.console.backend.Backends;
import dev.lmforge.console.backend.CorpusUpload;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Corpora: the list, one corpus's statistics, and an upload from the browser streamed to IngestCorpus. */
@Path("/corpora")
@Blocking
public class CorporaResource {

    @Inject
    Template corpora;
    @Inject
    Template corpus;
    @Inject
    Backends backends;
    @Inject
    SignedIn signedIn;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance list(@RestQuery("page_token") String pageToken) {
        var user = signedIn.user();
        var page = backends.corpora(user).listCorpora(ListCorporaRequest.newBuilder().setPageSize(Links.PAGE_SIZE)
                .setPageToken(pageToken == null ? "" : pageToken).build());
        return corpora.data("user", user).data("corpora", page.getCorporaList()).data("next", page.getNextPageToken());
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance get(@RestPath String id) {
        var user = signedIn.user();
        Corpus c = backends.corpora(user).getCorpus(GetCorpusRequest.newBuilder().setCorpusId(id).build());
        long topCount = c.getStats().getTopWordsList().stream().mapToLong(w -> w.getCount()).max().orElse(1);
        return corpus.data("user", user).data("corpus", c).data("topCount", topCount)
                .data("dropped", sorted(c.getStats().getDroppedLinesMap()))
                .data("languages", sorted(c.getStats().getLanguagesMap()));
    }

    /** The file is the request body, relayed as it arrives (the browser shows the upload's progress). */
    @POST
    @Path("upload")
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Produces(MediaType.APPLICATION_JSON)
    public String upload(@RestQuery String name, @RestQuery("file") String fileName, @RestQuery String language,
                         @RestQuery("document_boundary") String boundary, @RestQuery boolean lowercase,
                         @RestQuery("remove_stopwords") boolean removeStopwords, InputStream body)
            throws IOException, InterruptedException {
        var user = signedIn.user();
        CleaningOptions.Builder cleaning = CleaningOptions.newBuilder().setLowercase(lowercase).setRemoveStopwords(removeStopwords);
        if (language != null && !language.isBlank()) {
            cleaning.addLanguages(language.trim());
        }
        CorpusSpec spec = CorpusSpec.newBuilder().setName(name == null ? "" : name.trim()).setCleaning(cleaning)
                .setDocumentBoundary(boundary(boundary)).build();
        Corpus created = CorpusUpload.relay(backends.ingest(user), spec, fileName == null || fileName.isBlank() ? "upload.txt" : fileName, body);
        return ProtoJson.compact(created);
    }

    private static DocumentBoundary boundary(String name) {
        if (name == null || name.isBlank()) {
            return DocumentBoundary.DOCUMENT_BOUNDARY_UNSPECIFIED;
        }
        try {
            return DocumentBoundary.valueOf("DOCUMENT_BOUNDARY_" + name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("document_boundary must be line, blank-line or file, not '" + name + "'");
        }
    }

    /** Largest first: what a person looks for in a breakdown. */
    static List<Map.Entry<String, Long>> sorted(Map<String, Long> counts) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).toList();
    }
}
