package dev.lmforge.console.web;

import dev.lmforge.api.v1.DescribeStudyRequest;
import dev.lmforge.api.v1.GetStudyReportRequest;
import dev.lmforge.api.v1.ListStudiesRequest;
import dev.lmforge.api.v1.ReportFile;
import dev.lmforge.api.v1.Study;
import dev.lmforge.api.v1.StudyRun;
import dev.lmforge.console.backend.Backends;
import dev.lmforge.console.render.ReportHtml;
import io.grpc.Context;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.jboss.resteasy.reactive.RestPath;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

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

    @GET
    @Path("{name}")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance get(@RestPath String name) {
        var user = signedIn.user();
        Study s = backends.studies(user).describeStudy(DescribeStudyRequest.newBuilder().setStudyName(name).build());
        String report = s.getReportFilesList().contains(MARKDOWN)
                ? file(name, MARKDOWN).map(f -> ReportHtml.render(f.getContent().toString(StandardCharsets.UTF_8),
                        picture -> UriBuilder.fromPath("/studies/{name}/files/{file}").build(name, picture).toString(), links(s))).orElse(null)
                : null;
        return study.data("user", user).data("study", s).data("report", report);
    }

    /** A picture of the report. */
    @GET
    @Path("{name}/files/{file}")
    public Response picture(@RestPath String name, @RestPath String file) {
        if (!file.endsWith(".png")) {
            throw new NotFoundException();
        }
        ReportFile found = file(name, file).orElseThrow(NotFoundException::new);
        return Response.ok(found.getContent().toByteArray(), "image/png").header("Cache-Control", "private, max-age=300").build();
    }

    /** The report streams its files in order; the call is cancelled once the one asked for has come. */
    private Optional<ReportFile> file(String name, String file) {
        var stub = backends.studies(signedIn.user());
        Context.CancellableContext call = Context.current().withCancellation();
        try {
            return call.call(() -> {
                Iterator<ReportFile> files = stub.getStudyReport(GetStudyReportRequest.newBuilder().setStudyName(name).build());
                while (files.hasNext()) {
                    ReportFile next = files.next();
                    if (next.getName().equals(file)) {
                        return Optional.of(next);
                    }
                }
                return Optional.<ReportFile>empty();
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            call.cancel(null);
        }
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
