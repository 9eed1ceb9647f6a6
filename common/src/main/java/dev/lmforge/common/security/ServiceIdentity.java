package dev.lmforge.common.security;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.AbstractStub;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * A service calls another with its own identity ({@code lmforge.auth.service-token}: a token with
 * the least role it needs and tenant {@value Tenants#ANY}), naming the tenant it acts for with
 * {@link #inTenant}; the callee checks both, so a service acts only where its caller could.
 */
@GlobalInterceptor
@ApplicationScoped
public class ServiceIdentity implements ClientInterceptor {

    private static final CallOptions.Key<String> TENANT = CallOptions.Key.create("lmforge-tenant");

    private final Optional<String> token;

    ServiceIdentity(@ConfigProperty(name = "lmforge.auth.service-token") Optional<String> token) {
        this.token = token.map(String::trim).filter(t -> !t.isEmpty());
    }

    /** The stub, its calls acting in the tenant. */
    public static <S extends AbstractStub<S>> S inTenant(S stub, String tenant) {
        return stub.withOption(TENANT, tenant);
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        String tenant = options.getOption(TENANT);
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                token.ifPresent(t -> headers.put(GrpcAuthorization.AUTHORIZATION, "Bearer " + t));
                if (tenant != null) {
                    headers.put(GrpcAuthorization.TENANT, tenant);
                }
                super.start(listener, headers);
            }
        };
    }
}
