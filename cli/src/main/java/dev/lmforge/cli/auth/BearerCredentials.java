package dev.lmforge.cli.auth;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/** Every call of the CLI carries its token ({@link Credentials}); without one the services answer UNAUTHENTICATED. */
@GlobalInterceptor
@ApplicationScoped
public class BearerCredentials implements ClientInterceptor {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private volatile Optional<String> token;

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        Optional<String> bearer = token();
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                bearer.ifPresent(t -> headers.put(AUTHORIZATION, "Bearer " + t));
                super.start(listener, headers);
            }
        };
    }

    private Optional<String> token() {
        if (token == null) {
            token = Credentials.token();
        }
        return token;
    }
}
