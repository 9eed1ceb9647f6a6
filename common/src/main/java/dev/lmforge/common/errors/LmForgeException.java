package dev.lmforge.common.errors;

/**
 * A failure a caller can act on. Domain code throws these without knowing about gRPC; the API layer
 * turns the {@link Kind} into the matching status (see {@code dev.lmforge.common.grpc.GrpcErrors}).
 */
public class LmForgeException extends RuntimeException {

    public enum Kind {
        INVALID_ARGUMENT,
        NOT_FOUND,
        ALREADY_EXISTS,
        PERMISSION_DENIED,
        FAILED_PRECONDITION,
        RESOURCE_EXHAUSTED,
        UNAVAILABLE,
        ABORTED
    }

    private final Kind kind;

    public LmForgeException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public LmForgeException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static LmForgeException invalidArgument(String format, Object... args) {
        return new LmForgeException(Kind.INVALID_ARGUMENT, String.format(format, args));
    }

    public static LmForgeException notFound(String format, Object... args) {
        return new LmForgeException(Kind.NOT_FOUND, String.format(format, args));
    }

    public static LmForgeException alreadyExists(String format, Object... args) {
        return new LmForgeException(Kind.ALREADY_EXISTS, String.format(format, args));
    }

    public static LmForgeException permissionDenied(String format, Object... args) {
        return new LmForgeException(Kind.PERMISSION_DENIED, String.format(format, args));
    }

    public static LmForgeException failedPrecondition(String format, Object... args) {
        return new LmForgeException(Kind.FAILED_PRECONDITION, String.format(format, args));
    }

    public static LmForgeException resourceExhausted(String format, Object... args) {
        return new LmForgeException(Kind.RESOURCE_EXHAUSTED, String.format(format, args));
    }

    public static LmForgeException unavailable(String message, Throwable cause) {
        return new LmForgeException(Kind.UNAVAILABLE, message, cause);
    }
}
