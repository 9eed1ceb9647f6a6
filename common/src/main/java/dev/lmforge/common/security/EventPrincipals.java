package dev.lmforge.common.security;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

import java.util.List;

/**
 * The principal an event carries ({@code caused_by}, a {@code lmforge.v1.Principal}) and the check a
 * consumer makes before it acts: the principal's role must be one the {@link RoleTable} asks of the
 * topic. Kafka's ACLs decide who may write a topic at all; this decides whose request a service acts
 * on, so no principal gets a service to do what it could not have asked for over gRPC.
 */
public final class EventPrincipals {

    public static final String FIELD = "caused_by";

    private EventPrincipals() {
    }

    /** Fills a {@code lmforge.v1.Principal} builder with the caller. */
    public static <B extends Message.Builder> B describe(B principal, Caller caller) {
        var type = principal.getDescriptorForType();
        principal.setField(type.findFieldByName("subject"), caller.subject());
        principal.setField(type.findFieldByName("tenant"), caller.tenant());
        principal.setField(type.findFieldByName("role"), caller.role().claimName());
        return principal;
    }

    /** The caller a {@code lmforge.v1.Principal} message describes. */
    public static Caller caller(Message principal) {
        var type = principal.getDescriptorForType();
        String subject = (String) principal.getField(type.findFieldByName("subject"));
        String tenant = (String) principal.getField(type.findFieldByName("tenant"));
        String role = (String) principal.getField(type.findFieldByName("role"));
        Role parsed = Role.highest(List.of(role))
                .orElseThrow(() -> new TokenVerifier.AccessDenied("its principal has no LM Forge role ('" + role + "')"));
        if (subject.isEmpty() || !Tenants.isValid(tenant)) {
            throw new TokenVerifier.AccessDenied("its principal names no subject or no valid tenant");
        }
        return new Caller(subject, tenant, parsed);
    }

    /** The principal that caused the event, if the role table lets it ask for what the topic does; else AccessDenied. */
    public static Caller authorize(String topic, Message event) {
        Role required = RoleTable.get().required(topic)
                .orElseThrow(() -> new TokenVerifier.AccessDenied(topic + " is not in the platform's role table"));
        FieldDescriptor field = event.getDescriptorForType().findFieldByName(FIELD);
        if (field == null || !event.hasField(field)) {
            throw new TokenVerifier.AccessDenied("the event names no principal (" + FIELD + "): who asked for it?");
        }
        Caller caller = caller((Message) event.getField(field));
        if (!caller.may(required)) {
            throw new TokenVerifier.AccessDenied(String.format("%s needs a principal with the %s role; %s has %s", topic,
                    required.claimName(), caller.subject(), caller.role().claimName()));
        }
        return caller;
    }
}
