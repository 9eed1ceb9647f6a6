package dev.lmforge.common.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * For gRPC servers that tests build without Quarkus: serves every call as one caller, as
 * {@link GrpcAuthorization} does once it has checked a token. In common's package to reach
 * {@link CallerContext#KEY}; it belongs in common's test-jar.
 */
public final class TestCallers {

    private TestCallers() {
    }

    public static ServerInterceptor as(Caller caller) {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                return Contexts.interceptCall(Context.current().withValue(CallerContext.KEY, caller), call, headers, next);
            }
        };
    }
}
