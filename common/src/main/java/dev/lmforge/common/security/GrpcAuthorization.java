package dev.lmforge.common.security;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/**
 * Every gRPC call of every service passes here first: its bearer token is verified, its method looked
 * up in the {@link RoleTable}, and the {@link Caller} put into the call's context for the endpoint to
 * read the tenant from. Mutating calls (editor and above) leave one {@link AuditLog} line.
 */
@GlobalInterceptor
@ApplicationScoped
@Priority(1000)
public class GrpcAuthorization implements ServerInterceptor {

    /** The tenant a service principal acts for. */
    public static final String TENANT_HEADER = "lmforge-tenant";
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> TENANT = Metadata.Key.of(TENANT_HEADER, Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";

    private final TokenVerifier verifier;
    private final RoleTable table = RoleTable.get();

    GrpcAuthorization(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        Optional<Role> required = table.required(method);
        if (required.isEmpty()) {
            return refuse(call, Status.PERMISSION_DENIED.withDescription(method + " is not in the platform's role table, so nobody may call it"));
        }
        if (required.get() == Role.PUBLIC) {
            return next.startCall(call, headers);
        }
        Caller caller;
        try {
            caller = verifier.verify(bearerToken(headers), headers.get(TENANT));
        } catch (TokenVerifier.AuthenticationFailed e) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription(e.getMessage()));
        } catch (TokenVerifier.AccessDenied e) {
            return refuse(call, Status.PERMISSION_DENIED.withDescription(e.getMessage()));
        }
        if (!caller.may(required.get())) {
            String denial = String.format("%s needs the %s role; %s has %s", method, required.get().claimName(), caller.subject(), caller.role().claimName());
            if (required.get().includes(Role.EDITOR)) {
                AuditLog.record(caller, method, "", Status.Code.PERMISSION_DENIED.name());
            }
            return refuse(call, Status.PERMISSION_DENIED.withDescription(denial));
        }
        Context context = Context.current().withValue(CallerContext.KEY, caller);
        if (!required.get().includes(Role.EDITOR)) {
            return Contexts.interceptCall(context, call, headers, next);
        }
        AuditedCall<Q, R> audited = new AuditedCall<>(call, caller, method);
        return new SimpleForwardingServerCallListener<>(Contexts.interceptCall(context, audited, headers, next)) {
            @Override
            public void onMessage(Q message) {
                audited.noteResource(message);
                super.onMessage(message);
            }
        };
    }

    /**
     * Refuses the call once its request has arrived. Closing it before lets the request's frames reach
     * a closed stream, which the HTTP/2 server treats as a connection error: a GOAWAY that fails every
     * other call on the client's connection too.
     */
    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.request(1);
        return new ServerCall.Listener<>() {
            private boolean closed;

            @Override
            public void onMessage(Q message) {
                close();
            }

            @Override
            public void onHalfClose() {
                close();
            }

            private void close() {
                if (!closed) {
                    closed = true;
                    call.close(status, new Metadata());
                }
            }
        };
    }

    private static String bearerToken(Metadata headers) {
        String value = headers.get(AUTHORIZATION);
        if (value == null || value.isBlank()) {
            throw new TokenVerifier.AuthenticationFailed("no bearer token: send the header 'authorization: Bearer <token>' "
                    + "(./lmforge token create, or a token from your identity provider)");
        }
        if (!value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new TokenVerifier.AuthenticationFailed("the authorization header must be 'Bearer <token>'");
        }
        return value.substring(BEARER.length()).trim();
    }

    /** Writes the audit line when the call ends, naming the resource its request or response carried. */
    private static final class AuditedCall<Q, R> extends SimpleForwardingServerCall<Q, R> {
        private final Caller caller;
        private final String method;
        private volatile String resource = "";

        AuditedCall(ServerCall<Q, R> call, Caller caller, String method) {
            super(call);
            this.caller = caller;
            this.method = method;
        }

        void noteResource(Object message) {
            if (resource.isEmpty()) {
                resource = resourceOf(message);
            }
        }

        @Override
        public void sendMessage(R message) {
            noteResource(message);
            super.sendMessage(message);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            AuditLog.record(caller, method, resource, status.getCode().name());
            super.close(status, trailers);
        }
    }

    /** The first id or name a message carries, e.g. corpus_id, training_job_name or name. */
    static String resourceOf(Object message) {
        if (!(message instanceof Message proto)) {
            return "";
        }
        for (FieldDescriptor field : proto.getDescriptorForType().getFields()) {
            String name = field.getName();
            boolean names = name.equals("name") || name.endsWith("_id") || name.endsWith("_name");
            if (names && field.getJavaType() == FieldDescriptor.JavaType.STRING && !field.isRepeated()) {
                String value = (String) proto.getField(field);
                if (!value.isEmpty()) {
                    return value.length() <= 128 ? value : value.substring(0, 128);
                }
            }
        }
        for (FieldDescriptor field : proto.getDescriptorForType().getFields()) {
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isRepeated() && proto.hasField(field)) {
                String nested = resourceOf(proto.getField(field));
                if (!nested.isEmpty()) {
                    return nested;
                }
            }
        }
        return "";
    }
}
