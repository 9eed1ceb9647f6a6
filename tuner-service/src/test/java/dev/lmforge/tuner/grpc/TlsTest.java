package dev.lmforge.tuner.grpc;

import dev.lmforge.api.v1.ListTuningJobsRequest;
import dev.lmforge.api.v1.TuningServiceGrpc;
import dev.lmforge.common.testing.TestTokens;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The service with TLS on, as in production, with the test certificate of common's test jar: one port
 * for gRPC and HTTP that speaks only TLS, health on the plain management interface, and the tuner's
 * own gRPC client configuration (here aimed at the tuner itself) connecting over TLS to the CA it trusts.
 */
@QuarkusTest
@TestProfile(TlsTest.TlsOn.class)
class TlsTest {

    public static class TlsOn implements QuarkusTestProfile {
        // Fixed before start: the tuner's client needs the port in its configuration.
        static final int PORT = freePort();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "lmforge.tls.enabled", "true",
                    "quarkus.tls.key-store.pem.0.cert", "lmforge-test/tls/tls.crt",
                    "quarkus.tls.key-store.pem.0.key", "lmforge-test/tls/tls.key",
                    "quarkus.http.test-ssl-port", String.valueOf(PORT),
                    "lmforge.tls.ca", "lmforge-test/tls/ca.crt",
                    "quarkus.grpc.clients.trainer.host", "localhost",
                    "quarkus.grpc.clients.trainer.port", String.valueOf(PORT));
        }
    }

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @GrpcClient("trainer")
    Channel tunersTrainerClient;

    @Test
    void aClientTrustingTheCaIsServed() throws Exception {
        ManagedChannel channel = channel(TlsChannelCredentials.newBuilder().trustManager(resource("lmforge-test/tls/ca.crt")).build());
        try {
            assertEquals(ServingStatus.SERVING, health(channel));
            TuningServiceGrpc.newBlockingStub(channel).withInterceptors(TestTokens.admin()).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .listTuningJobs(ListTuningJobsRequest.newBuilder().setPageSize(1).build());
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void plaintextIsRefused() {
        assertRefused(InsecureChannelCredentials.create());
        HttpRequest plainHttp = HttpRequest.newBuilder(URI.create("http://localhost:" + TlsOn.PORT + "/q/health/ready")).build();
        assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(plainHttp, HttpResponse.BodyHandlers.discarding()));
    }

    @Test
    void aClientThatDoesNotTrustTheCaIsRefused() {
        assertRefused(TlsChannelCredentials.create());
    }

    private void assertRefused(ChannelCredentials credentials) {
        ManagedChannel channel = channel(credentials);
        try {
            assertThrows(StatusRuntimeException.class, () -> health(channel));
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void theTunersClientsSpeakTls() {
        assertEquals(ServingStatus.SERVING, health(tunersTrainerClient));
    }

    @Test
    void healthStaysOnThePlainManagementInterface() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(ready.toURI()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("http", ready.getProtocol());
        assertEquals(200, response.statusCode(), response.body());
    }

    private static ServingStatus health(Channel channel) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus();
    }

    private static ManagedChannel channel(ChannelCredentials credentials) {
        return Grpc.newChannelBuilderForAddress("localhost", TlsOn.PORT, credentials).build();
    }

    private static InputStream resource(String name) {
        return TlsTest.class.getClassLoader().getResourceAsStream(name);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
