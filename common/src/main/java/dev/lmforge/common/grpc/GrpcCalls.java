package dev.lmforge.common.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;
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

    /**
     * Answers a unary call when {@code result} completes, from the thread that completes it: the
     * handler returns at once and holds no thread meanwhile. A client that cancels the call (or whose
     * deadline passes) cancels {@code result}.
     */
    public static <T> void unaryAsync(StreamObserver<T> response, CompletableFuture<T> result) {
        ServerCallStreamObserver<T> call = (ServerCallStreamObserver<T>) response;
        call.setOnCancelHandler(() -> result.cancel(false));
        result.whenComplete((value, failure) -> {
            if (call.isCancelled()) {
                return;
            }
            if (failure == null) {
                response.onNext(value);
                response.onCompleted();
            } else {
                response.onError(GrpcErrors.toStatus(failure));
            }
        });
    }
}
