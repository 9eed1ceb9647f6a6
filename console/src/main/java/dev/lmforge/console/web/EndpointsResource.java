package dev.lmforge.console.web;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.GenerateRequest;
import dev.lmforge.api.v1.ListModelsRequest;
import dev.lmforge.api.v1.ListModelsResponse;
import dev.lmforge.api.v1.PredictRequest;
import dev.lmforge.api.v1.ScoreRequest;
import dev.lmforge.api.v1.SetEndpointModelRequest;
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
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.net.URI;

/** Endpoints (versions, canary weights) and the playground: generation streamed token by token, next-token probabilities, scores. */
@Path("/")
public class EndpointsResource {

    @Inject
    Template endpoints;
    @Inject
    Template playground;
    @Inject
    Backends backends;
    @Inject
    SignedIn signedIn;

    @GET
    @Path("endpoints")
    @Blocking
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance list() {
        var user = signedIn.user();
        ListModelsResponse models = backends.inference(user).listModels(ListModelsRequest.getDefaultInstance());
        return endpoints.data("user", user).data("endpoints", models.getEndpointsList()).data("models", models.getModelsList());
    }

    @POST
    @Path("endpoints")
    @Blocking
    public Response set(@RestForm String name, @RestForm("model_version") String modelVersion,
                        @RestForm("canary_model_version") String canary, @RestForm("canary_weight") double canaryWeight) {
        Endpoint endpoint = Endpoint.newBuilder().setName(trim(name)).setModelVersion(trim(modelVersion))
                .setCanaryModelVersion(trim(canary)).setCanaryWeight(canaryWeight).build();
        backends.inference(signedIn.user()).setEndpointModel(SetEndpointModelRequest.newBuilder().setEndpoint(endpoint).build());
        return Response.seeOther(URI.create("/endpoints")).build();
    }

    @GET
    @Path("playground")
    @Blocking
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance playground() {
        var user = signedIn.user();
        var names = backends.inference(user).listModels(ListModelsRequest.getDefaultInstance()).getEndpointsList().stream().map(Endpoint::getName).toList();
        return playground.data("user", user).data("endpoints", names);
    }

    /** Generate, one server-sent event per token as the model produces it. */
    @GET
    @Path("playground/generate")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> generate(@RestQuery String endpoint, @RestQuery String prompt, @RestQuery("max_tokens") int maxTokens,
                                  @RestQuery double temperature, @RestQuery long seed) {
        GenerateRequest request = GenerateRequest.newBuilder().setEndpoint(trim(endpoint)).setPrompt(prompt == null ? "" : prompt)
                .setMaxTokens(maxTokens).setTemperature(temperature).setSeed(seed).build();
        return Streams.json(backends.inferenceStreams(signedIn.user()).generate(request));
    }

    @POST
    @Path("playground/predict")
    @Blocking
    @Produces(MediaType.APPLICATION_JSON)
    public String predict(@RestForm String endpoint, @RestForm String text, @RestForm("top_k") int topK) {
        return ProtoJson.compact(backends.inference(signedIn.user()).predict(PredictRequest.newBuilder().setEndpoint(trim(endpoint))
                .setText(text == null ? "" : text).setTopK(topK).build()));
    }

    @POST
    @Path("playground/score")
    @Blocking
    @Produces(MediaType.APPLICATION_JSON)
    public String score(@RestForm String endpoint, @RestForm String text) {
        return ProtoJson.compact(backends.inference(signedIn.user()).score(ScoreRequest.newBuilder().setEndpoint(trim(endpoint))
                .setText(text == null ? "" : text).build()));
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }
}
