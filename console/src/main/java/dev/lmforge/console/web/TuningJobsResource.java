package dev.lmforge.console.web;

import dev.lmforge.api.v1.DescribeTuningJobRequest;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.ListTuningJobsRequest;
import dev.lmforge.api.v1.StopTuningJobRequest;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.console.backend.Backends;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.time.Duration;

/** Tuning jobs: the list, and a job's trials, objective and parameter charts, refreshed while it runs. */
@Path("/tuning-jobs")
public class TuningJobsResource {

    @Inject
    Template tuningJobs;
    @Inject
    Template tuningJob;
    @Inject
    Backends backends;
    @Inject
    SignedIn signedIn;
    /** The tuner has no watch call: a running job is described again this often while its page is open. */
    @ConfigProperty(name = "lmforge.console.tuning-refresh", defaultValue = "2s")
    Duration refresh;

    @GET
    @Blocking
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance list(@RestQuery("page_token") String pageToken) {
        var user = signedIn.user();
        var page = backends.tuning(user).listTuningJobs(ListTuningJobsRequest.newBuilder().setPageSize(Links.PAGE_SIZE)
                .setPageToken(pageToken == null ? "" : pageToken).build());
        return tuningJobs.data("user", user).data("jobs", page.getTuningJobsList()).data("next", page.getNextPageToken());
    }

    @GET
    @Path("{name}")
    @Blocking
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance get(@RestPath String name) {
        var user = signedIn.user();
        TuningJob job = backends.tuning(user).describeTuningJob(request(name));
        return tuningJob.data("user", user).data("job", job).data("json", ProtoJson.compact(job));
    }

    /** The job as server-sent events: now, then every {@link #refresh} until it has ended (that state included). */
    @GET
    @Path("{name}/updates")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> updates(@RestPath String name) {
        var stub = backends.tuningPolls(signedIn.user());
        Multi<TuningJob> polls = Multi.createBy().repeating().uni(() -> stub.describeTuningJob(request(name)))
                .withDelay(refresh).whilst(job -> job.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS || job.getStatus() == JobStatus.JOB_STATUS_STOPPING);
        return Streams.json(polls);
    }

    @POST
    @Path("{name}/stop")
    @Blocking
    public Response stop(@RestPath String name) {
        backends.tuning(signedIn.user()).stopTuningJob(StopTuningJobRequest.newBuilder().setTuningJobName(name).build());
        return Response.seeOther(Links.tuningJob(name)).build();
    }

    private static DescribeTuningJobRequest request(String name) {
        return DescribeTuningJobRequest.newBuilder().setTuningJobName(name).build();
    }
}
