package dev.lmforge.common.events;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes an event as binary protobuf and names its content type, message type and schema version
 * (the message's {@code schema_version} field) in the record's headers.
 */
public class ProtoEventSerializer implements Serializer<Message> {

    @Override
    public byte[] serialize(String topic, Message data) {
        return data == null ? null : data.toByteArray();
    }

    @Override
    public byte[] serialize(String topic, Headers headers, Message data) {
        if (data == null) {
            return null;
        }
        EventHeaders.set(headers, EventHeaders.CONTENT_TYPE, EventHeaders.PROTOBUF);
        EventHeaders.set(headers, EventHeaders.MESSAGE_TYPE, data.getDescriptorForType().getFullName());
        EventHeaders.set(headers, EventHeaders.SCHEMA_VERSION, Integer.toString(schemaVersion(data)));
        return data.toByteArray();
    }

    static int schemaVersion(Message data) {
        FieldDescriptor field = data.getDescriptorForType().findFieldByName("schema_version");
        return field == null ? 0 : ((Number) data.getField(field)).intValue();
    }
}
