package dev.lmforge.cli;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;

import java.io.File;
import java.io.IOException;

/** The end-to-end tests' way to the services that ./lmforge runs. */
public final class LocalPlatform {

    private LocalPlatform() {
    }

    /**
     * A channel to a service as ./lmforge runs it, found as the CLI finds it (QUARKUS_GRPC_CLIENTS_*_PORT):
     * TLS trusting the local CA (LMFORGE_TLS_CA), unless LMFORGE_TLS_ENABLED=false.
     */
    public static ManagedChannelBuilder<?> channel(String client, int port) {
        String configured = System.getenv("QUARKUS_GRPC_CLIENTS_" + client + "_PORT");
        ChannelCredentials transport;
        if ("false".equalsIgnoreCase(System.getenv("LMFORGE_TLS_ENABLED"))) {
            transport = InsecureChannelCredentials.create();
        } else {
            String ca = System.getenv("LMFORGE_TLS_CA");
            try {
                transport = TlsChannelCredentials.newBuilder().trustManager(new File(ca == null ? "" : ca)).build();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the CA in LMFORGE_TLS_CA (" + ca + "): run through ./lmforge test", e);
            }
        }
        return Grpc.newChannelBuilderForAddress("127.0.0.1", configured == null ? port : Integer.parseInt(configured), transport);
    }
}
