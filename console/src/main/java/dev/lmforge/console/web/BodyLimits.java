package dev.lmforge.console.web;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Map;
import java.util.Optional;

/**
 * Quarkus has one body limit for the whole server, and the corpus upload needs a large one (it is
 * streamed, never held). Every other request body is a small form the console reads whole, so it is
 * refused above {@code lmforge.console.max-form-bytes} before it is read — or when it does not say
 * its length — and no client can make the console buffer gigabytes of form.
 */
public class BodyLimits {

    static final String UPLOAD_PATH = "/corpora/upload";

    @ConfigProperty(name = "lmforge.console.max-form-bytes", defaultValue = "65536")
    long maxFormBytes;

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> check(ContainerRequestContext request) {
        if (!request.hasEntity() || UPLOAD_PATH.equals(request.getUriInfo().getPath())) {
            return Optional.empty();
        }
        long length = request.getLength();
        if (length >= 0 && length <= maxFormBytes) {
            return Optional.empty();
        }
        return Optional.of(Response.status(Response.Status.REQUEST_ENTITY_TOO_LARGE).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", "a form may send at most " + maxFormBytes + " bytes, with its Content-Length")).build());
    }
}
