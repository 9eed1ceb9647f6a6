package dev.lmforge.bench;

import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The benchmarks call the services as the local admin: LMFORGE_TOKEN, else the credentials file ./lmforge up wrote;
 * over TLS trusting LMFORGE_TLS_CA (./lmforge's local CA, which bench/*.sh export) unless LMFORGE_TLS_ENABLED=false.
 */
final class BenchCredentials {

    private BenchCredentials() {
    }

    /** A channel to the local service on this port, carrying the admin's token. */
    static ManagedChannel channel(int port) {
        return Grpc.newChannelBuilderForAddress("127.0.0.1", port, transport()).intercept(bearer()).build();
    }

    /**
     * The same, whose asynchronous callbacks run on the transport's own thread instead of hopping to
     * an executor's: for load generators whose callbacks never block, where each hop would be timed.
     */
    static ManagedChannel directChannel(int port) {
        return Grpc.newChannelBuilderForAddress("127.0.0.1", port, transport()).intercept(bearer()).directExecutor().build();
    }

    private static ChannelCredentials transport() {
        if ("false".equalsIgnoreCase(System.getenv("LMFORGE_TLS_ENABLED"))) {
            return InsecureChannelCredentials.create();
        }
        String ca = System.getenv("LMFORGE_TLS_CA");
        if (ca == null || ca.isBlank()) {
            return TlsChannelCredentials.create();
        }
        try {
            return TlsChannelCredentials.newBuilder().trustManager(new File(ca)).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CA file LMFORGE_TLS_CA=" + ca, e);
        }
    }

    static ClientInterceptor bearer() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token());
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    private static String token() {
        String env = System.getenv("LMFORGE_TOKEN");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        String file = System.getenv("LMFORGE_CREDENTIALS");
        if (file == null || !Files.isRegularFile(Path.of(file))) {
            throw new IllegalStateException("no token: set LMFORGE_TOKEN, or run through bench/*.sh (they set LMFORGE_CREDENTIALS)");
        }
        Properties credentials = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            credentials.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return credentials.getProperty("token", "").trim();
    }
}
