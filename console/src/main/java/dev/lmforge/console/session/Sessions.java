package dev.lmforge.console.session;

import dev.lmforge.common.security.TokenVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.NewCookie;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Optional;

/**
 * The console keeps no sessions of its own: the person's bearer token lives in an HttpOnly,
 * SameSite=Strict cookie, is verified with the services' own {@link TokenVerifier} on every request,
 * and is sent on with every gRPC call, so the services decide what the person may do.
 */
@ApplicationScoped
public class Sessions {

    public static final String COOKIE = "lmforge_token";
    /** A JWT is a few hundred bytes; a cookie far longer is no token and is not parsed. */
    static final int MAX_TOKEN_CHARS = 8192;

    private final TokenVerifier verifier;
    private final boolean secure;
    private final Duration maxAge;

    Sessions(TokenVerifier verifier, @ConfigProperty(name = "lmforge.tls.enabled") boolean secure,
             @ConfigProperty(name = "lmforge.console.session-max-age", defaultValue = "12h") Duration maxAge) {
        this.verifier = verifier;
        this.secure = secure;
        this.maxAge = maxAge;
    }

    /** The person a cookie's token stands for; empty when there is none or it no longer verifies. */
    public Optional<ConsoleUser> user(String token) {
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN_CHARS) {
            return Optional.empty();
        }
        try {
            return Optional.of(signIn(token));
        } catch (TokenVerifier.AuthenticationFailed | TokenVerifier.AccessDenied e) {
            return Optional.empty();
        }
    }

    /** Verifies a pasted token; the exception's message says what is wrong with it. */
    public ConsoleUser signIn(String token) {
        String trimmed = token == null ? "" : token.trim();
        if (trimmed.isEmpty() || trimmed.length() > MAX_TOKEN_CHARS) {
            throw new TokenVerifier.AuthenticationFailed("paste a token (./lmforge token create --role viewer|editor|admin)");
        }
        return new ConsoleUser(trimmed, verifier.verify(trimmed, null));
    }

    public NewCookie cookie(String token) {
        return base(token).maxAge((int) maxAge.toSeconds()).build();
    }

    public NewCookie expired() {
        return base("").maxAge(0).build();
    }

    private NewCookie.Builder base(String value) {
        return new NewCookie.Builder(COOKIE).value(value).path("/").httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT);
    }
}
