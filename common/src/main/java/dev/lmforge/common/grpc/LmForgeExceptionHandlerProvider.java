package dev.lmforge.common.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.quarkus.grpc.ExceptionHandler;
import io.quarkus.grpc.ExceptionHandlerProvider;
import jakarta.enterprise.context.ApplicationScoped;

/** Every service's gRPC failures go through {@link GrpcErrors}, so domain errors get their status. */
@ApplicationScoped
public class LmForgeExceptionHandlerProvider implements ExceptionHandlerProvider {

    @Override
    public <ReqT, RespT> ExceptionHandler<ReqT, RespT> createHandler(ServerCall.Listener<ReqT> listener,
            ServerCall<ReqT, RespT> serverCall, Metadata metadata) {
        return new ExceptionHandler<>(listener, serverCall, metadata) {
            @Override
            protected void handleException(Throwable t, ServerCall<ReqT, RespT> call, Metadata md) {
                var status = GrpcErrors.toStatus(t);
                call.close(status.getStatus(), status.getTrailers() == null ? md : status.getTrailers());
            }
        };
    }

    @Override
    public Throwable transform(Throwable t) {
        return GrpcErrors.toStatus(t);
    }
}
