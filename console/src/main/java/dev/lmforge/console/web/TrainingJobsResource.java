package dev.lmforge.console.web;

import dev.lmforge.api.v1.CreateTrainingJobRequest;
import dev.lmforge.api.v1.DescribeTrainingJobRequest;
import dev.lmforge.api.v1.ListDatasetsRequest;
import dev.lmforge.api.v1.ListTrainingJobsRequest;
import dev.lmforge.api.v1.StopTrainingJobRequest;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.WatchTrainingJobRequest;
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
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Training jobs: the list, a job with its learning curves (live while it trains), create and stop. */
@Path("/training-jobs")
public class TrainingJobsResource {

    /** What the create form starts with: a small model that trains in minutes on a CPU. */
    static final String DEFAULT_HYPERPARAMETERS = """
            epochs=3
            embedding_dim=64
            hidden_size=128
            num_layers=2
            batch_size=32
            bptt=20
            optimizer=adam
            learning_rate=0.003""";

    @Inject
    Template trainingJobs;
    @Inject
    Template trainingJob;
    @Inject
    Backends backends;
    @Inject
    SignedIn signedIn;

    @GET
    @Blocking
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance list(@RestQuery("page_token") String pageToken) {
        var user = signedIn.user();
        var page = backends.training(user).listTrainingJobs(ListTrainingJobsRequest.newBuilder().setPageSize(Links.PAGE_SIZE)
                .setPageToken(pageToken == null ? "" : pageToken).build());
        var datasets = user.mayEdit()
                ? backends.datasets(user).listDatasets(ListDatasetsRequest.newBuilder().setPageSize(Links.PAGE_SIZE).build()).getDatasetsList()
                : List.of();
        return trainingJobs.data("user", user).data("jobs", page.getTrainingJobsList()).data("next", page.getNextPageToken()).data("datasets", datasets)
                .data("defaults", DEFAULT_HYPERPARAMETERS);
    }

    @GET
    @Path("{name}")
    @Blocking
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance get(@RestPath String name) {
        var user = signedIn.user();
        TrainingJob job = describe(user, name);
        return trainingJob.data("user", user).data("job", job).data("json", ProtoJson.compact(job));
    }

    /** The job as the page's script reads it, fetched again after each epoch. */
    @GET
    @Path("{name}/job.json")
    @Blocking
    @Produces(MediaType.APPLICATION_JSON)
    public String json(@RestPath String name) {
        return ProtoJson.compact(describe(signedIn.user(), name));
    }

    /** WatchTrainingJob, relayed to the page as server-sent events; closing the page cancels the watch. */
    @GET
    @Path("{name}/progress")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> progress(@RestPath String name) {
        var user = signedIn.user();
        return Streams.json(backends.trainingWatch(user).watchTrainingJob(WatchTrainingJobRequest.newBuilder().setTrainingJobName(name).build()));
    }

    @POST
    @Blocking
    public Response create(@RestForm("training_job_name") String name, @RestForm("dataset_id") String datasetId,
                           @RestForm String hyperparameters) {
        var user = signedIn.user();
        TrainingJobSpec spec = TrainingJobSpec.newBuilder().setTrainingJobName(trim(name)).setDatasetId(trim(datasetId))
                .putAllHyperparameters(hyperparameters(hyperparameters)).build();
        TrainingJob created = backends.training(user).createTrainingJob(CreateTrainingJobRequest.newBuilder().setSpec(spec).build());
        return Response.seeOther(Links.trainingJob(created.getSpec().getTrainingJobName())).build();
    }

    @POST
    @Path("{name}/stop")
    @Blocking
    public Response stop(@RestPath String name) {
        backends.training(signedIn.user()).stopTrainingJob(StopTrainingJobRequest.newBuilder().setTrainingJobName(name).build());
        return Response.seeOther(Links.trainingJob(name)).build();
    }

    private TrainingJob describe(dev.lmforge.console.session.ConsoleUser user, String name) {
        return backends.training(user).describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(name).build());
    }

    /** One {@code name=value} a line, as the form's text area has them; blank lines and # comments are skipped. */
    static Map<String, String> hyperparameters(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        if (text == null) {
            return values;
        }
        int lineNumber = 0;
        for (String line : text.split("\\R")) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("hyperparameter line " + lineNumber + " is not name=value: '" + trimmed + "'");
            }
            values.put(trimmed.substring(0, eq).strip(), trimmed.substring(eq + 1).strip());
        }
        return values;
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }
}
