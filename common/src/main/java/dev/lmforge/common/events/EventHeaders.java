package dev.lmforge.common.events;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/** The headers every LM Forge event record carries, and how a JSON producer marks its records. */
public final class EventHeaders {

    public static final String CONTENT_TYPE = "content-type";
    public static final String MESSAGE_TYPE = "lmforge-message-type";
    public static final String SCHEMA_VERSION = "lmforge-schema-version";

    public static final String PROTOBUF = "application/x-protobuf";
    public static final String JSON = "application/json";

    private EventHeaders() {
    }

    static String get(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static void set(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
