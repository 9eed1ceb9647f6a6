package dev.lmforge.common.security;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses to start a service whose TLS switch ({@code lmforge.tls.enabled}, default true) and
 * certificate disagree, before the port opens: with TLS on and no key store Quarkus would only say
 * that insecure requests need SSL; with TLS off and a key store, HTTPS and HTTP would both claim the
 * service's one port. Quarkus hands every customizer the HTTPS options, key store or not.
 */
@ApplicationScoped
public class TlsRequirement implements HttpServerOptionsCustomizer {

    static final String NO_CERTIFICATE = "TLS is on (lmforge.tls.enabled, LMFORGE_TLS_ENABLED, defaults to true) but no"
            + " certificate is configured: set QUARKUS_TLS_KEY_STORE_PEM_0_CERT and QUARKUS_TLS_KEY_STORE_PEM_0_KEY (PEM"
            + " files), or QUARKUS_TLS_KEY_STORE_P12_PATH and QUARKUS_TLS_KEY_STORE_P12_PASSWORD (PKCS12); for plaintext"
            + " in development only, set LMFORGE_TLS_ENABLED=false";
    static final String PLAINTEXT_WITH_CERTIFICATE = "LMFORGE_TLS_ENABLED=false (plaintext) but a certificate is"
            + " configured (quarkus.tls.key-store.*): remove one of them";

    private final boolean enabled;

    TlsRequirement(@ConfigProperty(name = "lmforge.tls.enabled") boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        boolean certificate = options.getKeyCertOptions() != null;
        if (enabled && !certificate) {
            throw new IllegalStateException(NO_CERTIFICATE);
        }
        if (!enabled && certificate) {
            throw new IllegalStateException(PLAINTEXT_WITH_CERTIFICATE);
        }
    }
}
