package dev.lmforge.common.testing;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.lmforge.common.security.Caller;
import dev.lmforge.common.security.EventPrincipals;
import dev.lmforge.common.security.Role;
import dev.lmforge.common.security.Tenants;

/** Events as a principal caused them (their {@code caused_by}), for tests that produce events by hand. */
public final class TestPrincipals {

    private TestPrincipals() {
    }

    @SuppressWarnings("unchecked")
    public static <M extends Message> M causedBy(M event, Role role, String tenant) {
        FieldDescriptor field = field(event);
        Message.Builder builder = event.toBuilder();
        Message principal = EventPrincipals.describe(builder.newBuilderForField(field), new Caller("test-" + role.claimName(), tenant, role)).build();
        return (M) builder.setField(field, principal).build();
    }

    public static <M extends Message> M byEditor(M event) {
        return causedBy(event, Role.EDITOR, Tenants.DEFAULT);
    }

    public static <M extends Message> M byAdmin(M event) {
        return causedBy(event, Role.ADMIN, Tenants.DEFAULT);
    }

    @SuppressWarnings("unchecked")
    public static <M extends Message> M withoutPrincipal(M event) {
        return (M) event.toBuilder().clearField(field(event)).build();
    }

    /** The JSON of an editor principal of the default tenant, for events written as JSON. */
    public static String editorJson() {
        return "{\"subject\": \"test-editor\", \"tenant\": \"default\", \"role\": \"editor\"}";
    }

    private static FieldDescriptor field(Message event) {
        FieldDescriptor field = event.getDescriptorForType().findFieldByName(EventPrincipals.FIELD);
        if (field == null) {
            throw new IllegalArgumentException(event.getDescriptorForType().getFullName() + " has no " + EventPrincipals.FIELD);
        }
        return field;
    }
}
