package dev.lmforge.console.web;

import dev.lmforge.api.v1.DescribeStudyRequest;
import dev.lmforge.api.v1.GetStudyReportRequest;
import dev.lmforge.api.v1.ListStudiesRequest;
import dev.lmforge.api.v1.Study;
import dev.lmforge.api.v1.StudyRun;
import dev.lmforge.console.backend.Backends;
import dev.lmforge.console.render.ReportHtml;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestPath;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** Studies: the list, and a study's report with its pictures and links to the jobs it ran. */
@Path("/studies")
@Blocking
public class StudiesResource {

    static final String MARKDOWN = "report.md";

    @Inject
    Template studies;
    @Inject
    Template study;
    @Inject
    Backends backends;
    @Inject
    SignedIn signedIn;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance list() {
        var user = signedIn.user();
        return studies.data("user", user).data("studies", backends.studies(user).listStudies(ListStudiesRequest.getDefaultInstance()).getStudiesList());
    }

    /**
     * The report with its pictures inline (data: URLs): one call for the page, so a picture can never
     * fail apart from its page, and nothing of a study is kept in the console between requests.
     */
    @GET
    @Path("{name}")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance get(@RestPath String name) {
        var user = signedIn.user();
        Study s = backends.studies(user).describeStudy(DescribeStudyRequest.newBuilder().setStudyName(name).build());
        String report = null;
        if (s.getReportFilesList().contains(MARKDOWN)) {
            Map<String, byte[]> files = new HashMap<>();
            backends.studies(user).getStudyReport(GetStudyReportRequest.newBuilder().setStudyName(name).build())
                    .forEachRemaining(f -> files.put(f.getName(), f.getContent().toByteArray()));
            byte[] markdown = files.get(MARKDOWN);
            report = markdown == null ? null : ReportHtml.render(new String(markdown, StandardCharsets.UTF_8),
                    picture -> files.containsKey(picture) && picture.endsWith(".png")
                            ? "data:image/png;base64," + Base64.getEncoder().encodeToString(files.get(picture)) : picture,
                    links(s));
        }
        return study.data("user", user).data("study", s).data("report", report);
    }

    private static Map<String, String> links(Study s) {
        Map<String, String> links = new HashMap<>();
        for (StudyRun run : s.getRunsList()) {
            String page = switch (run.getKind()) {
                case "training_job" -> Links.trainingJob(run.getResource()).toString();
                case "tuning_job" -> Links.tuningJob(run.getResource()).toString();
                case "dataset" -> Links.dataset(run.getResource()).toString();
                case "corpus" -> Links.corpus(run.getResource()).toString();
                default -> null;
            };
            if (page != null && !run.getResource().isEmpty()) {
                links.put(run.getResource(), page);
            }
        }
        return links;
    }
}
