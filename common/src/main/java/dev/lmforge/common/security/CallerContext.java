package dev.lmforge.common.security;

import io.grpc.Context;

/** The caller of the gRPC call being served, put there by {@link GrpcAuthorization}. */
public final class CallerContext {

    static final Context.Key<Caller> KEY = Context.key("lmforge-caller");

    private CallerContext() {
    }

    /** The authenticated caller; only public methods (health) run without one. */
    public static Caller current() {
        Caller caller = KEY.get();
        if (caller == null) {
            throw new IllegalStateException("no authenticated caller in this context: is the method public in " + RoleTable.RESOURCE + "?");
        }
        return caller;
    }

    /** The tenant the current call acts in. */
    public static String tenant() {
        return current().tenant();
    }
}
