package dev.lmforge.common.security;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsRequirementTest {

    private static HttpServerOptions withCertificate() {
        return new HttpServerOptions().setKeyCertOptions(new PemKeyCertOptions().setCertPath("tls.crt").setKeyPath("tls.key"));
    }

    @Test
    void tlsWithoutCertificateFailsNamingWhatToSet() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new TlsRequirement(true).customizeHttpsServer(new HttpServerOptions()));
        assertTrue(e.getMessage().contains("QUARKUS_TLS_KEY_STORE_PEM_0_CERT") && e.getMessage().contains("LMFORGE_TLS_ENABLED=false"), e.getMessage());
    }

    @Test
    void plaintextWithCertificateFails() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new TlsRequirement(false).customizeHttpsServer(withCertificate()));
        assertEquals(TlsRequirement.PLAINTEXT_WITH_CERTIFICATE, e.getMessage());
    }

    @Test
    void consistentSettingsStart() {
        assertDoesNotThrow(() -> new TlsRequirement(true).customizeHttpsServer(withCertificate()));
        assertDoesNotThrow(() -> new TlsRequirement(false).customizeHttpsServer(new HttpServerOptions()));
    }
}
