package dev.lmforge.common.grpc;

import dev.lmforge.common.errors.LmForgeException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.jboss.logging.Logger;

/** Maps domain failures to gRPC statuses with messages a person can act on. */
public final class GrpcErrors {

    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    public static StatusRuntimeException toStatus(Throwable t) {
        if (t instanceof StatusRuntimeException sre) {
            return sre;
        }
        if (t instanceof StatusException se) {
            return se.getStatus().asRuntimeException(se.getTrailers());
        }
        if (t instanceof LmForgeException e) {
            return statusOf(e.kind()).withDescription(e.getMessage()).withCause(e).asRuntimeException();
        }
        if (t.getCause() != null && t != t.getCause()
                && (t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)) {
            return toStatus(t.getCause());
        }
        LOG.error("unexpected failure", t);
        return Status.INTERNAL.withDescription("internal error: " + t).withCause(t).asRuntimeException();
    }

    static Status statusOf(LmForgeException.Kind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
            case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
            case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
            case UNAVAILABLE -> Status.UNAVAILABLE;
            case ABORTED -> Status.ABORTED;
        };
    }
}
