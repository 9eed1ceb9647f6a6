package dev.lmforge.common.testing;

import dev.lmforge.common.security.Role;
import dev.lmforge.common.security.Tenants;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Tokens for tests, signed with the test key pair whose public half the services trust in the test
 * profile (common's META-INF/microprofile-config.properties), and a key the services do not trust.
 */
public final class TestTokens {

    public static final String ISSUER = "lmforge-test";
    private static final PrivateKey SIGNER = key("lmforge-test/signing-key.pem");
    private static final PrivateKey OTHER_SIGNER = key("lmforge-test/other-signer.pem");

    private TestTokens() {
    }

    public static String token(Role role, String tenant) {
        return sign(role, tenant, Instant.now().plus(Duration.ofHours(1)), SIGNER);
    }

    public static String expired(Role role, String tenant) {
        return sign(role, tenant, Instant.now().minus(Duration.ofMinutes(10)), SIGNER);
    }

    public static String wrongSigner(Role role, String tenant) {
        return sign(role, tenant, Instant.now().plus(Duration.ofHours(1)), OTHER_SIGNER);
    }

    /** A service principal's token: it acts in the tenant each call names. */
    public static String service(String name) {
        return Jwt.issuer(ISSUER).subject("service:" + name).groups(Set.of(Role.EDITOR.claimName())).claim("tenant", Tenants.ANY)
                .expiresAt(Instant.now().plus(Duration.ofDays(1))).sign(SIGNER);
    }

    /** Adds the admin token of the default tenant to every call of a channel. */
    public static ClientInterceptor admin() {
        return bearer(token(Role.ADMIN, Tenants.DEFAULT));
    }

    public static ClientInterceptor as(Role role, String tenant) {
        return bearer(token(role, tenant));
    }

    public static ClientInterceptor bearer(String token) {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                        super.start(listener, headers);
                    }
                };
            }
        };
    }

    /** The test signer's public key as a file, for services started outside the test profile. */
    public static Path publicKeyFile() throws IOException {
        Path file = Files.createTempFile("lmforge-test-signer", ".pub.pem");
        file.toFile().deleteOnExit();
        try (InputStream in = TestTokens.class.getClassLoader().getResourceAsStream("lmforge-test/signing-key.pub.pem")) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    private static String sign(Role role, String tenant, Instant expiry, PrivateKey key) {
        return Jwt.issuer(ISSUER).subject("test-" + role.claimName() + "@" + tenant).groups(Set.of(role.claimName()))
                .claim("tenant", tenant).issuedAt(expiry.minus(Duration.ofHours(2))).expiresAt(expiry).sign(key);
    }

    private static PrivateKey key(String resource) {
        try (InputStream in = TestTokens.class.getClassLoader().getResourceAsStream(resource)) {
            return KeyUtils.decodePrivateKey(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
