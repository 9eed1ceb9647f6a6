package dev.lmforge.inference.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.lmforge.api.v1.GenerateRequest;
import dev.lmforge.api.v1.GenerateResponse;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.security.Tenants;
import dev.lmforge.common.security.TokenVerifier;
import dev.lmforge.inference.service.Inference;
import dev.lmforge.inference.service.ModelRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * SageMaker's serving-container contract besides gRPC: {@code GET /ping} (200 once a model serves)
 * and {@code POST /invocations} with a JSON body:
 * {@code {"task": "predict"|"score"|"generate", "endpoint": "default", "text" | "prompt": "...", ...}}.
 * Responses are the gRPC responses' JSON mapping (camelCase); generate's is the whole text at once.
 * A call acts in the tenant its bearer token names (claim {@code lmforge.auth.tenant-claim}).
 */
@Path("/")
public class SageMakerResource {

    private final Inference inference;
    private final ModelRegistry registry;
    private final ObjectMapper json;
    private final JsonWebToken token;
    private final String tenantClaim;

    public SageMakerResource(Inference inference, ModelRegistry registry, ObjectMapper json, JsonWebToken token,
            @ConfigProperty(name = "lmforge.auth.tenant-claim", defaultValue = "tenant") String tenantClaim) {
        this.inference = inference;
        this.registry = registry;
        this.json = json;
        this.token = token;
        this.tenantClaim = tenantClaim;
    }

    /** A health probe (SageMaker's): open, like /q/health. */
    @GET
    @Path("ping")
    @PermitAll
    public Response ping() {
        return registry.serving() ? Response.ok().build() : Response.status(503).entity("no model is loaded yet").build();
    }

    /** The request: the fields of PredictRequest, ScoreRequest or GenerateRequest (snake_case or camelCase), plus "task". */
    @POST
    @Path("invocations")
    @RolesAllowed({"viewer", "editor", "admin"})
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Blocking
    public Response invoke(Map<String, Object> body) {
        try {
            String tenant = callerTenant();
            String task = String.valueOf(body.getOrDefault("task", body.containsKey("prompt") ? "generate" : "predict"));
            String endpoint = String.valueOf(body.getOrDefault("endpoint", ""));
            String json = switch (task) {
                case "predict" -> print(inference.predict(tenant, endpoint, text(body, "text"), null, integer(body.getOrDefault("top_k", body.getOrDefault("topK", 5)), "top_k")));
                case "score" -> print(inference.score(tenant, endpoint, text(body, "text")));
                case "generate" -> generate(tenant, body);
                default -> throw LmForgeException.invalidArgument("task must be predict, score or generate, not '%s'", task);
            };
            return Response.ok(json, MediaType.APPLICATION_JSON).build();
        } catch (LmForgeException e) {
            int status = switch (e.kind()) {
                case INVALID_ARGUMENT -> 400;
                case PERMISSION_DENIED -> 403;
                case NOT_FOUND -> 404;
                case FAILED_PRECONDITION -> 409;
                case RESOURCE_EXHAUSTED -> 429;
                default -> 503;
            };
            return Response.status(status).entity(Map.of("error", e.kind().name(), "message", e.getMessage())).type(MediaType.APPLICATION_JSON).build();
        } catch (InvalidProtocolBufferException | JsonProcessingException e) {
            return Response.status(400).entity(Map.of("error", "INVALID_ARGUMENT", "message", "malformed request: " + e.getMessage()))
                    .type(MediaType.APPLICATION_JSON).build();
        } catch (RuntimeException e) { // the model's own failure: gRPC's INTERNAL
            return Response.status(500).entity(Map.of("error", "INTERNAL", "message", String.valueOf(e.getMessage())))
                    .type(MediaType.APPLICATION_JSON).build();
        }
    }

    /**
     * The tenant the token's caller acts in. A service principal (tenant {@value Tenants#ANY}) acts for a
     * tenant its call names, which a SageMaker invocation has no place for: refused.
     */
    private String callerTenant() {
        String tenant = TokenVerifier.stringClaim(token, tenantClaim);
        if (Tenants.ANY.equals(tenant)) {
            throw LmForgeException.permissionDenied("a service principal's token (tenant '%s') cannot call /invocations, which names no tenant: "
                    + "use a token of the tenant whose endpoint you call", Tenants.ANY);
        }
        if (tenant == null || !Tenants.isValid(tenant)) {
            throw LmForgeException.permissionDenied("the token has no valid '%s' claim: it must name the tenant it acts in", tenantClaim);
        }
        return tenant;
    }

    /** A JSON number that is a whole int; its range is the domain's to check. */
    private static int integer(Object value, String field) {
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && n.doubleValue() >= Integer.MIN_VALUE && n.doubleValue() <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        throw LmForgeException.invalidArgument("%s must be a whole number, got %s", field, value);
    }

    private String generate(String tenant, Map<String, Object> body) throws JsonProcessingException {
        GenerateRequest.Builder request = GenerateRequest.newBuilder();
        JsonFormat.Parser parser = JsonFormat.parser().ignoringUnknownFields();
        for (Map.Entry<String, Object> field : body.entrySet()) { // one at a time, so that a bad value's message names its field
            try {
                parser.merge(json.writeValueAsString(Collections.singletonMap(field.getKey(), field.getValue())), request);
            } catch (InvalidProtocolBufferException e) {
                throw LmForgeException.invalidArgument("%s is not valid: %s", field.getKey(), e.getMessage());
            }
        }
        List<GenerateResponse> tokens = new ArrayList<>();
        inference.generate(tenant, request.build(), tokens::add);
        StringBuilder text = new StringBuilder();
        tokens.forEach(t -> text.append(t.getText()));
        String finish = tokens.isEmpty() ? "" : tokens.get(tokens.size() - 1).getFinishReason();
        return json.writeValueAsString(Map.of("text", text.toString(), "tokens", tokens.size(), "finishReason", finish,
                "modelVersion", tokens.isEmpty() ? "" : tokens.get(0).getModelVersion()));
    }

    private static String text(Map<String, Object> body, String field) {
        Object v = body.get(field);
        return v == null ? "" : v.toString();
    }

    private static String print(Message m) throws InvalidProtocolBufferException {
        return JsonFormat.printer().print(m);
    }
}
