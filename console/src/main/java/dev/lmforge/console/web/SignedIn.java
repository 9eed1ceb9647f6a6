package dev.lmforge.console.web;

import dev.lmforge.console.session.ConsoleUser;
import dev.lmforge.console.session.Sessions;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;

import java.util.Optional;

/** The person behind the current request, from their cookie; a page without one sends them to sign in. */
@RequestScoped
public class SignedIn {

    @Inject
    Sessions sessions;
    @Inject
    HttpHeaders headers;

    private Optional<ConsoleUser> user;

    public Optional<ConsoleUser> optional() {
        if (user == null) {
            var cookie = headers.getCookies().get(Sessions.COOKIE);
            user = sessions.user(cookie == null ? null : cookie.getValue());
        }
        return user;
    }

    public ConsoleUser user() {
        return optional().orElseThrow(NotSignedIn::new);
    }

    /** No valid token: pages redirect to the sign-in page, streams and JSON answer 401. */
    public static final class NotSignedIn extends RuntimeException {
        NotSignedIn() {
            super("sign in first", null, false, false);
        }
    }
}
