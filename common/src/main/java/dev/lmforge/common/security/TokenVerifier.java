package dev.lmforge.common.security;

import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonString;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Turns a bearer token into a {@link Caller}. SmallRye JWT checks the signature, issuer and expiry
 * against {@code mp.jwt.verify.*}: the local key that {@code ./lmforge up} made, or an OIDC issuer's
 * JWKS in production. The role comes from the groups claim ({@code smallrye.jwt.path.groups} for
 * issuers that put roles elsewhere), the tenant from {@code lmforge.auth.tenant-claim}.
 */
@ApplicationScoped
public class TokenVerifier {

    private final JWTParser parser;
    private final String tenantClaim;

    TokenVerifier(JWTParser parser, @ConfigProperty(name = "lmforge.auth.tenant-claim", defaultValue = "tenant") String tenantClaim) {
        this.parser = parser;
        this.tenantClaim = tenantClaim;
    }

    /**
     * The caller a token stands for, acting in {@code requestedTenant} when the token is a service
     * principal's (tenant {@value Tenants#ANY}); {@code requestedTenant} may be null otherwise.
     */
    public Caller verify(String token, String requestedTenant) {
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
        if (Tenants.ANY.equals(tenant)) {
            if (requestedTenant == null || !Tenants.isValid(requestedTenant)) {
                throw new AccessDenied("a service principal must name the tenant it acts for in the '" + GrpcAuthorization.TENANT_HEADER + "' header");
            }
            tenant = requestedTenant;
        } else if (!Tenants.isValid(tenant)) {
            throw new AccessDenied("the token's tenant is not a valid tenant name");
        }
        String subject = jwt.getName() != null ? jwt.getName() : jwt.getSubject();
        return new Caller(subject == null ? "unknown" : subject, tenant, role);
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
