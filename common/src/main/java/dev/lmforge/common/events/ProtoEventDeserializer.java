package dev.lmforge.common.events;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.charset.StandardCharsets;

/**
 * Reads an event written by {@link ProtoEventSerializer}, or the message's canonical JSON mapping
 * (content-type {@code application/json}, or no content type and a body starting with '{'), so a
 * producer with nothing but a JSON client or kcat can publish events.
 */
public class ProtoEventDeserializer<T extends Message> implements Deserializer<T> {

    private final T prototype;

    public ProtoEventDeserializer(T prototype) {
        this.prototype = prototype;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return deserialize(topic, null, data);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return null;
        }
        String expected = prototype.getDescriptorForType().getFullName();
        String type = EventHeaders.get(headers, EventHeaders.MESSAGE_TYPE);
        if (type != null && !type.equals(expected)) {
            throw new SerializationException("record on " + topic + " holds a " + type + ", expected " + expected);
        }
        try {
            if (isJson(EventHeaders.get(headers, EventHeaders.CONTENT_TYPE), data)) {
                Message.Builder builder = prototype.newBuilderForType();
                JsonFormat.parser().ignoringUnknownFields().merge(new String(data, StandardCharsets.UTF_8), builder);
                return (T) builder.build();
            }
            return (T) prototype.getParserForType().parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new SerializationException("record on " + topic + " is not a valid " + expected + ": " + e.getMessage(), e);
        }
    }

    private static boolean isJson(String contentType, byte[] data) {
        if (contentType != null) {
            return contentType.startsWith(EventHeaders.JSON);
        }
        for (byte b : data) {
            if (!Character.isWhitespace(b)) {
                return b == '{';
            }
        }
        return false;
    }
}
