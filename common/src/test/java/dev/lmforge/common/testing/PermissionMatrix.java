package dev.lmforge.common.testing;

import dev.lmforge.common.security.Role;
import dev.lmforge.common.security.RoleTable;
import dev.lmforge.common.security.Tenants;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Calls every method of a service's gRPC services with each kind of credential and checks the
 * answer against the {@link RoleTable}: no, expired or foreign-signed token → UNAUTHENTICATED; a
 * role below the table's → PERMISSION_DENIED; otherwise the call reaches the service (whatever it
 * then answers to an empty request). Built from the service descriptors, so a new RPC is covered.
 */
public final class PermissionMatrix {

    /** The credentials each method is tried with. */
    public enum Credential {
        NONE(() -> null), EXPIRED(() -> TestTokens.expired(Role.ADMIN, Tenants.DEFAULT)),
        WRONG_SIGNER(() -> TestTokens.wrongSigner(Role.ADMIN, Tenants.DEFAULT)),
        VIEWER(() -> TestTokens.token(Role.VIEWER, Tenants.DEFAULT)), EDITOR(() -> TestTokens.token(Role.EDITOR, Tenants.DEFAULT)),
        ADMIN(() -> TestTokens.token(Role.ADMIN, Tenants.DEFAULT)), OTHER_TENANT(() -> TestTokens.token(Role.ADMIN, "other-tenant"));

        private final Supplier<String> token;

        Credential(Supplier<String> token) {
            this.token = token;
        }

        Role role() {
            return switch (this) {
                case VIEWER -> Role.VIEWER;
                case EDITOR -> Role.EDITOR;
                case ADMIN, OTHER_TENANT -> Role.ADMIN;
                default -> null;
            };
        }
    }

    /** What the call was let through to, in the matrix's terms. */
    public enum Outcome { UNAUTHENTICATED, PERMISSION_DENIED, REACHED_SERVICE }

    private final List<String> mismatches = new ArrayList<>();
    private final Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
    private final Map<String, Outcome> cells = new TreeMap<>();

    public PermissionMatrix run(Channel channel, ServiceDescriptor service) throws Exception {
        for (MethodDescriptor<?, ?> method : service.getMethods()) {
            Role required = RoleTable.get().required(method.getFullMethodName()).orElse(null);
            if (required == null) {
                mismatches.add(method.getFullMethodName() + " is missing from " + RoleTable.RESOURCE);
                continue;
            }
            for (Credential credential : Credential.values()) {
                Outcome expected = expected(required, credential);
                Status status = call(channel, method, credential.token.get());
                if (connectionLost(status)) {
                    // The connection went, not the call: ask again (the channel reconnects).
                    status = call(channel, method, credential.token.get());
                }
                Outcome actual = outcome(status);
                cells.put(method.getFullMethodName() + " × " + credential, actual);
                counts.merge(actual, 1, Integer::sum);
                if (actual != expected) {
                    mismatches.add(String.format("%s with %s: expected %s, got %s (%s)", method.getFullMethodName(), credential, expected, actual, status));
                }
            }
        }
        return this;
    }

    public List<String> mismatches() {
        return mismatches;
    }

    public String summary() {
        return String.format("permission matrix: %d calls, %s", cells.size(), counts);
    }

    /**
     * A GOAWAY that ends the whole connection: Vert.x's HTTP/2 server now and then answers a new
     * stream on a plaintext test connection with PROTOCOL_ERROR ("Request stream N is not correct for
     * server connection"). It answers nothing about the call's authorization.
     */
    private static boolean connectionLost(Status status) {
        return status.getCode() == Status.Code.INTERNAL && String.valueOf(status.getDescription()).contains("GOAWAY");
    }

    static Outcome expected(Role required, Credential credential) {
        if (required == Role.PUBLIC) {
            return Outcome.REACHED_SERVICE;
        }
        Role role = credential.role();
        if (role == null) {
            return Outcome.UNAUTHENTICATED;
        }
        return role.includes(required) ? Outcome.REACHED_SERVICE : Outcome.PERMISSION_DENIED;
    }

    private static Outcome outcome(Status status) {
        return switch (status.getCode()) {
            case UNAUTHENTICATED -> Outcome.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Outcome.PERMISSION_DENIED;
            default -> Outcome.REACHED_SERVICE;
        };
    }

    /** One call with the method's empty request; a first response message counts as OK. */
    @SuppressWarnings("unchecked")
    private static Status call(Channel channel, MethodDescriptor<?, ?> descriptor, String token) throws Exception {
        MethodDescriptor<Object, Object> method = (MethodDescriptor<Object, Object>) descriptor;
        Object request = ((MethodDescriptor.PrototypeMarshaller<Object>) method.getRequestMarshaller()).getMessagePrototype();
        ClientCall<Object, Object> call = channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS));
        CompletableFuture<Status> done = new CompletableFuture<>();
        CompletableFuture<Status> closed = new CompletableFuture<>();
        Metadata headers = new Metadata();
        if (token != null) {
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        }
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(Object message) {
                done.complete(Status.OK);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
                done.complete(status);
            }
        }, headers);
        call.request(1);
        call.sendMessage(request);
        call.halfClose();
        Status status = done.get(30, TimeUnit.SECONDS);
        if (!closed.isDone()) {
            // A stream that answered and goes on; a call already closed is not cancelled (a reset of a
            // closed stream makes the server end the whole connection).
            call.cancel("the permission matrix has its answer", null);
        }
        return status;
    }
}
