package dev.lmforge.common.testing;

import dev.lmforge.common.store.ArtifactStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Integration tests that run a service as it runs in production: the packaged app
 * ({@code target/quarkus-app/quarkus-run.jar}) as processes on free ports, against the local broker
 * and S3 server, under the test prefix in S3. Each process logs to target/failsafe-reports.
 */
public final class PackagedServices implements AutoCloseable {

    private static final Path APP = Path.of("target/quarkus-app/quarkus-run.jar");
    private final String test;
    private final Map<String, Process> processes = new LinkedHashMap<>();

    public PackagedServices(String test) {
        this.test = test;
    }

    /** Starts one instance with these environment variables and waits until it is ready; returns its port. */
    public int start(String id, String heap, Map<String, String> env) throws IOException, InterruptedException {
        int port = freePort();
        int management = freePort();
        Path log = Files.createDirectories(Path.of("target/failsafe-reports")).resolve(test + "-" + id + ".log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
                "-XX:+UseSerialGC", "-Dai.djl.offline=true", "-jar", APP.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        pb.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(management));
        // Plaintext, as the @QuarkusTests talk to their app (TlsTest covers TLS).
        pb.environment().put("LMFORGE_TLS_ENABLED", "false");
        pb.environment().put("LMFORGE_S3_PREFIX", "tests/");
        pb.environment().put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        // The packaged app runs its prod profile: trust the test signer, as the test profile does.
        pb.environment().put("MP_JWT_VERIFY_ISSUER", TestTokens.ISSUER);
        pb.environment().put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", TestTokens.publicKeyFile().toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.put(id, p);
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 480; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return port;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (!p.isAlive()) {
                throw new AssertionError(id + " exited with " + p.exitValue() + "; see " + log);
            }
            Thread.sleep(250);
        }
        throw new AssertionError(id + " did not become ready; see " + log);
    }

    /** The S3 store the packaged services use (the test prefix of the local S3 server). */
    public static ArtifactStore store() {
        String endpoint = System.getenv().getOrDefault("QUARKUS_S3_ENDPOINT_OVERRIDE", "http://127.0.0.1:19000");
        S3Client s3 = S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("lmforge", "lmforge-secret")))
                .httpClient(ApacheHttpClient.create()).build();
        ArtifactStore store = new ArtifactStore(s3, "lmforge", "tests/", endpoint);
        store.ensureBucket();
        return store;
    }

    /** SIGKILL, as a crash: no shutdown hook, no lease release, no offset commit. */
    public void kill(String id) throws InterruptedException {
        processes.remove(id).destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        processes.values().forEach(Process::destroyForcibly);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
