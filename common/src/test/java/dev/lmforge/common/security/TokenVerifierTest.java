package dev.lmforge.common.security;

import dev.lmforge.common.testing.TestTokens;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.util.KeyUtils;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A token is checked in full once and then remembered, until it expires or five minutes pass; what
 * the caller names per call (a service principal's tenant) is never remembered; a token that fails
 * its check is never remembered.
 */
class TokenVerifierTest {

    private final AtomicInteger checks = new AtomicInteger();
    private Instant now = Instant.now();
    private final TokenVerifier verifier = new TokenVerifier(parser(), "tenant", new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    });

    @Test
    void aTokenIsCheckedOnceThenRememberedForFiveMinutes() {
        String token = TestTokens.token(Role.EDITOR, "acme");
        Caller first = verifier.verify(token, null);
        assertEquals(first, verifier.verify(token, null));
        assertEquals(1, checks.get());
        assertEquals(new Caller(first.subject(), "acme", Role.EDITOR), first);

        now = now.plus(TokenVerifier.RECHECK_AFTER);
        verifier.verify(token, null);
        assertEquals(2, checks.get(), "checked again once five minutes have passed");
    }

    @Test
    void aRememberedTokenIsCheckedAgainOnceItHasExpired() {
        String token = TestTokens.token(Role.VIEWER, "acme"); // valid for an hour
        verifier.verify(token, null);
        now = now.plus(Duration.ofMinutes(2));
        verifier.verify(token, null);
        assertEquals(1, checks.get());
        now = now.plus(Duration.ofHours(2)); // past its expiry: never believed from memory
        verifier.verify(token, null);
        assertEquals(2, checks.get());
    }

    @Test
    void aServicePrincipalActsInTheTenantOfEachCall() {
        String token = TestTokens.service("tuner");
        assertEquals("a", verifier.verify(token, "a").tenant());
        assertEquals("b", verifier.verify(token, "b").tenant());
        assertThrows(TokenVerifier.AccessDenied.class, () -> verifier.verify(token, null));
        assertEquals(1, checks.get());
    }

    @Test
    void aTokenThatFailsItsCheckFailsEveryTime() {
        String expired = TestTokens.expired(Role.ADMIN, "acme");
        for (int i = 0; i < 2; i++) {
            TokenVerifier.AuthenticationFailed e = assertThrows(TokenVerifier.AuthenticationFailed.class, () -> verifier.verify(expired, null));
            assertTrue(e.getMessage().contains("expired"), e.getMessage());
        }
        String foreign = TestTokens.wrongSigner(Role.ADMIN, "acme");
        assertThrows(TokenVerifier.AuthenticationFailed.class, () -> verifier.verify(foreign, null));
        assertThrows(TokenVerifier.AuthenticationFailed.class, () -> verifier.verify(foreign, null));
        assertEquals(4, checks.get());
    }

    /** SmallRye JWT's parser with the test key pair's public half, counting full checks. */
    private DefaultJWTParser parser() {
        try (InputStream pem = TokenVerifierTest.class.getResourceAsStream("/lmforge-test/signing-key.pub.pem")) {
            JWTAuthContextInfo context = new JWTAuthContextInfo(KeyUtils.decodePublicKey(new String(pem.readAllBytes(), StandardCharsets.UTF_8)),
                    TestTokens.ISSUER);
            return new DefaultJWTParser(context) {
                @Override
                public JsonWebToken parse(String token) throws ParseException {
                    checks.incrementAndGet();
                    return super.parse(token);
                }
            };
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
