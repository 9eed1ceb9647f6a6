package dev.lmforge.common.security;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a bearer token into a {@link Caller}. SmallRye JWT checks the signature, issuer and expiry
 * against {@code mp.jwt.verify.*}: the local key that {@code ./lmforge up} made, or an OIDC issuer's
 * JWKS in production. The role comes from the groups claim ({@code smallrye.jwt.path.groups} for
 * issuers that put roles elsewhere), the tenant from {@code lmforge.auth.tenant-claim}.
 */
@ApplicationScoped
public class TokenVerifier {

    /** Tokens remembered at most; when full, the memory starts again (a flood of tokens costs a re-check each, no more). */
    static final int REMEMBERED = 1024;
    /** How long a remembered token is believed without a new check: a key the issuer retires stops working within it. */
    static final Duration RECHECK_AFTER = Duration.ofMinutes(5);

    private final JWTParser parser;
    private final String tenantClaim;
    private final Clock clock;
    /**
     * Tokens verified lately, by their SHA-256 (no token is kept): a client sends the same token with
     * every call, and checking its signature and claims each time costs as much as a small model's
     * answer. An entry is believed until the token expires or {@link #RECHECK_AFTER}, whichever is first.
     */
    private final Map<String, Verified> remembered = new ConcurrentHashMap<>();

    private record Verified(Role role, String tenant, String subject, Instant believedUntil) {
    }

    @Inject
    TokenVerifier(JWTParser parser, @ConfigProperty(name = "lmforge.auth.tenant-claim", defaultValue = "tenant") String tenantClaim) {
        this(parser, tenantClaim, Clock.systemUTC());
    }

    TokenVerifier(JWTParser parser, String tenantClaim, Clock clock) {
        this.parser = parser;
        this.tenantClaim = tenantClaim;
        this.clock = clock;
    }

    /**
     * The caller a token stands for, acting in {@code requestedTenant} when the token is a service
     * principal's (tenant {@value Tenants#ANY}); {@code requestedTenant} may be null otherwise.
     */
    public Caller verify(String token, String requestedTenant) {
        String key = sha256(token);
        Verified known = remembered.get(key);
        Instant now = clock.instant();
        if (known == null || !now.isBefore(known.believedUntil())) {
            known = check(token, now);
            if (remembered.size() >= REMEMBERED) {
                remembered.clear();
            }
            remembered.put(key, known);
        }
        String tenant = known.tenant();
        if (Tenants.ANY.equals(tenant)) {
            if (requestedTenant == null || !Tenants.isValid(requestedTenant)) {
                throw new AccessDenied("a service principal must name the tenant it acts for in the '" + GrpcAuthorization.TENANT_HEADER + "' header");
            }
            tenant = requestedTenant;
        }
        return new Caller(known.subject(), tenant, known.role());
    }

    /** SmallRye JWT's full check: signature, issuer, expiry; then the claims LM Forge needs. */
    private Verified check(String token, Instant now) {
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token);
        } catch (ParseException e) {
            throw new AuthenticationFailed(reason(e));
        }
        Role role = Role.highest(jwt.getGroups())
                .orElseThrow(() -> new AccessDenied("the token grants no LM Forge role (groups: viewer, editor or admin)"));
        String tenant = stringClaim(jwt, tenantClaim);
        if (tenant == null || tenant.isEmpty()) {
            throw new AccessDenied("the token has no '" + tenantClaim + "' claim: it must name the tenant it acts in");
        }
        if (!Tenants.ANY.equals(tenant) && !Tenants.isValid(tenant)) {
            throw new AccessDenied("the token's tenant is not a valid tenant name");
        }
        String subject = jwt.getName() != null ? jwt.getName() : jwt.getSubject();
        Instant recheck = now.plus(RECHECK_AFTER);
        Instant expiry = Instant.ofEpochSecond(jwt.getExpirationTime());
        return new Verified(role, tenant, subject == null ? "unknown" : subject, expiry.isBefore(recheck) ? expiry : recheck);
    }

    private static String sha256(String token) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A claim of a verified token as a string, or null (claims arrive as JSON strings or plain ones). */
    public static String stringClaim(JsonWebToken jwt, String name) {
        Object value = jwt.getClaim(name);
        if (value instanceof JsonString json) {
            return json.getString();
        }
        return value instanceof String text ? text : null;
    }

    private static String reason(ParseException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidJwtException invalid) {
                if (invalid.hasExpired()) {
                    return "the token has expired: get a new one (./lmforge token create, or your identity provider)";
                }
                if (invalid.hasErrorCode(ErrorCodes.SIGNATURE_INVALID) || invalid.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
                    return "the token is not signed by an issuer this platform trusts";
                }
                if (invalid.hasErrorCode(ErrorCodes.ISSUER_INVALID) || invalid.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
                    return "the token's issuer is not the one this platform trusts";
                }
                if (invalid.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || invalid.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
                    return "the token is not meant for this platform (audience)";
                }
            }
        }
        return "the token is not a valid signed JWT";
    }

    /** No identity, or one that cannot be believed: UNAUTHENTICATED. */
    public static final class AuthenticationFailed extends RuntimeException {
        public AuthenticationFailed(String message) {
            super(message);
        }
    }

    /** A believed identity that may not do this: PERMISSION_DENIED. */
    public static final class AccessDenied extends RuntimeException {
        public AccessDenied(String message) {
            super(message);
        }
    }
}
