package dev.lmforge.console.render;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.quarkus.qute.CompletedStage;
import io.quarkus.qute.EngineConfiguration;
import io.quarkus.qute.EvalContext;
import io.quarkus.qute.Results;
import io.quarkus.qute.ValueResolver;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Lets templates read the services' protobuf messages by their field names ({@code job.spec.dataset_id}),
 * so the pages show the API's own vocabulary and need no copy of every message as a Java record.
 * Enums read as their value names, timestamps as ISO instants to the second (empty when unset), maps as maps.
 */
@EngineConfiguration
public class ProtoValueResolver implements ValueResolver {

    @Override
    public boolean appliesTo(EvalContext context) {
        return context.getBase() instanceof Message && context.getParams().isEmpty();
    }

    @Override
    public CompletionStage<Object> resolve(EvalContext context) {
        Message message = (Message) context.getBase();
        FieldDescriptor field = message.getDescriptorForType().findFieldByName(context.getName());
        if (field == null) {
            return Results.notFound(context);
        }
        return CompletedStage.of(value(message, field));
    }

    static Object value(Message message, FieldDescriptor field) {
        if (field.isMapField()) {
            Map<Object, Object> map = new LinkedHashMap<>();
            for (Object entry : (List<?>) message.getField(field)) {
                MapEntry<?, ?> e = (MapEntry<?, ?>) entry;
                map.put(e.getKey(), plain(e.getValue()));
            }
            return map;
        }
        if (field.isRepeated()) {
            List<Object> values = new ArrayList<>();
            for (Object value : (List<?>) message.getField(field)) {
                values.add(plain(value));
            }
            return values;
        }
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !message.hasField(field)
                && field.getMessageType().getFullName().equals(Timestamp.getDescriptor().getFullName())) {
            return "";
        }
        return plain(message.getField(field));
    }

    private static Object plain(Object value) {
        if (value instanceof EnumValueDescriptor e) {
            return e.getName();
        }
        if (value instanceof Timestamp t) {
            return t.getSeconds() == 0 && t.getNanos() == 0 ? "" : Instant.ofEpochSecond(t.getSeconds()).toString();
        }
        return value;
    }
}
