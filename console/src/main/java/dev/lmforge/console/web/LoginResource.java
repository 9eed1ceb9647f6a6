package dev.lmforge.console.web;

import dev.lmforge.common.security.TokenVerifier;
import dev.lmforge.console.session.Sessions;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;

import java.net.URI;

/** Signing in is pasting a token of the platform's issuer: the console checks it as the services do. */
@Path("/")
public class LoginResource {

    @Inject
    Template login;
    @Inject
    Sessions sessions;
    @Inject
    SignedIn signedIn;

    @GET
    public Response home() {
        return Response.seeOther(URI.create(signedIn.optional().isPresent() ? "/training-jobs" : "/login")).build();
    }

    @GET
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance form() {
        return login.data("error", null).data("user", null);
    }

    @POST
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    public Response signIn(@RestForm String token) {
        try {
            var user = sessions.signIn(token);
            return Response.seeOther(URI.create("/training-jobs")).cookie(sessions.cookie(user.token())).build();
        } catch (TokenVerifier.AuthenticationFailed | TokenVerifier.AccessDenied e) {
            return Response.status(Response.Status.UNAUTHORIZED)
                    .entity(login.data("error", "This token was refused: " + e.getMessage()).data("user", null).render()).build();
        }
    }

    @POST
    @Path("logout")
    public Response signOut() {
        return Response.seeOther(URI.create("/login")).cookie(sessions.expired()).build();
    }
}
