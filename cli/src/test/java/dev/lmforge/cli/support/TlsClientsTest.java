package dev.lmforge.cli.support;

import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusServiceGrpc;
import dev.lmforge.api.v1.ListCorporaRequest;
import dev.lmforge.api.v1.ListCorporaResponse;
import io.grpc.Server;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI's clients speak TLS and trust the CA named by lmforge.tls.ca (LMFORGE_TLS_CA), as ./lmforge runs them. */
@QuarkusMainTest
@TestProfile(TlsClientsTest.TlsOn.class)
class TlsClientsTest {

    /** The test CA and a server certificate it signed (localhost, 127.0.0.1): common's, which its tests use too. */
    static final Path TLS = Path.of("../common/src/test/resources/lmforge-test/tls").toAbsolutePath().normalize();

    public static class TlsOn implements QuarkusTestProfile {
        // Fixed before start: the preprocess client's address is configuration.
        static final int PORT = freePort();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "lmforge.tls.enabled", "true",
                    "lmforge.tls.ca", TLS.resolve("ca.crt").toString(),
                    "quarkus.grpc.clients.preprocess.host", "localhost",
                    "quarkus.grpc.clients.preprocess.port", String.valueOf(PORT));
        }
    }

    private static Server server;

    /** A preprocess-service that speaks TLS only and has one corpus. */
    @BeforeAll
    static void serveOverTls() throws IOException {
        TlsServerCredentials credentials = (TlsServerCredentials) TlsServerCredentials.create(TLS.resolve("tls.crt").toFile(), TLS.resolve("tls.key").toFile());
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", TlsOn.PORT), credentials)
                .addService(new CorpusServiceGrpc.CorpusServiceImplBase() {
                    @Override
                    public void listCorpora(ListCorporaRequest request, StreamObserver<ListCorporaResponse> response) {
                        response.onNext(ListCorporaResponse.newBuilder().addCorpora(Corpus.newBuilder().setCorpusId("over-tls")).build());
                        response.onCompleted();
                    }
                }).build().start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    @Launch({"corpus", "list"})
    void aCommandCallsItsServiceOverTls(LaunchResult result) {
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        assertTrue(result.getOutput().contains("over-tls"), result.getOutput());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
