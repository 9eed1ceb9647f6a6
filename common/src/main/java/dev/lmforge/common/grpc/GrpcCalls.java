package dev.lmforge.common.grpc;

import io.grpc.stub.StreamObserver;

import java.util.function.Supplier;

/** Answers a unary call with the action's result, or with the status its failure maps to. */
public final class GrpcCalls {

    private GrpcCalls() {
    }

    public static <T> void unary(StreamObserver<T> response, Supplier<T> action) {
        T result;
        try {
            result = action.get();
        } catch (RuntimeException e) {
            response.onError(GrpcErrors.toStatus(e));
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }
}
