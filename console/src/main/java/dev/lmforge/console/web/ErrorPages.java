package dev.lmforge.console.web;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.URI;
import java.util.Map;

/**
 * What a refused or failed call looks like in the browser: the service's own message under the HTTP
 * status that matches its gRPC status, as a page, or as JSON for the pages' scripts.
 */
public class ErrorPages {

    @Inject
    @Location("error.html")
    Template error;
    @Inject
    SignedIn signedIn;

    @ServerExceptionMapper
    public Response notSignedIn(SignedIn.NotSignedIn e, HttpHeaders headers) {
        if (wantsJson(headers)) {
            return json(Response.Status.UNAUTHORIZED, "sign in first");
        }
        return Response.seeOther(URI.create("/login")).build();
    }

    @ServerExceptionMapper
    public Response grpc(StatusRuntimeException e, HttpHeaders headers) {
        Response.Status status = httpStatus(e.getStatus().getCode());
        String message = message(e.getStatus());
        if (wantsJson(headers)) {
            return json(status, message);
        }
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE)
                .entity(error.data("status", status.getStatusCode()).data("code", e.getStatus().getCode().name())
                        .data("message", message).data("user", signedIn.optional().orElse(null)).render())
                .build();
    }

    @ServerExceptionMapper
    public Response badInput(IllegalArgumentException e, HttpHeaders headers) {
        return grpc(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException(), headers);
    }

    static String message(Status status) {
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return "the service did not answer in time; try again";
        }
        if (status.getCode() == Status.Code.UNAVAILABLE) {
            return "the service is not reachable (" + status.getDescription() + ")";
        }
        return status.getDescription() == null ? status.getCode().name() : status.getDescription();
    }

    static Response.Status httpStatus(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, OUT_OF_RANGE -> Response.Status.BAD_REQUEST;
            case NOT_FOUND -> Response.Status.NOT_FOUND;
            case ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED -> Response.Status.CONFLICT;
            case PERMISSION_DENIED -> Response.Status.FORBIDDEN;
            case UNAUTHENTICATED -> Response.Status.UNAUTHORIZED;
            case RESOURCE_EXHAUSTED -> Response.Status.TOO_MANY_REQUESTS;
            case UNAVAILABLE, DEADLINE_EXCEEDED -> Response.Status.SERVICE_UNAVAILABLE;
            default -> Response.Status.INTERNAL_SERVER_ERROR;
        };
    }

    private static boolean wantsJson(HttpHeaders headers) {
        return headers.getAcceptableMediaTypes().stream().anyMatch(t -> t.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !t.isWildcardType());
    }

    private static Response json(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", message)).build();
    }
}
