package dev.lmforge.console.web;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * A second guard against cross-site requests beside the SameSite=Strict cookie: a change (POST) is
 * taken only from the console's own pages. Browsers say where a request comes from in
 * Sec-Fetch-Site and Origin; one from another site is refused before any call is made.
 */
public class SameOrigin {

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> check(ContainerRequestContext request) {
        if (!HttpMethod.POST.equals(request.getMethod())) {
            return Optional.empty();
        }
        String site = request.getHeaderString("Sec-Fetch-Site");
        String origin = request.getHeaderString("Origin");
        String host = request.getHeaderString("Host");
        boolean crossSite = "cross-site".equals(site) || "same-site".equals(site)
                || (origin != null && !origin.equals("null") && host != null && !host.equalsIgnoreCase(authority(origin)));
        if (crossSite) {
            return Optional.of(Response.status(Response.Status.FORBIDDEN).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", "a change must come from the console's own pages")).build());
        }
        return Optional.empty();
    }

    private static String authority(String origin) {
        try {
            return URI.create(origin).getRawAuthority();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
