package dev.lmforge.common.events;

import com.google.protobuf.Api;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The codec on a stand-in message type (the event types are generated inside each service). */
class ProtoEventCodecTest {

    static final class ApiDeserializer extends ProtoEventDeserializer<Api> {
        ApiDeserializer() {
            super(Api.getDefaultInstance());
        }
    }

    private final Api event = Api.newBuilder().setName("corpus-1").setVersion("v1").build();

    @Test
    void writesBinaryProtobufAndNamesItInHeaders() {
        RecordHeaders headers = new RecordHeaders();
        byte[] bytes = new ProtoEventSerializer().serialize("t", headers, event);
        assertEquals(EventHeaders.PROTOBUF, EventHeaders.get(headers, EventHeaders.CONTENT_TYPE));
        assertEquals("google.protobuf.Api", EventHeaders.get(headers, EventHeaders.MESSAGE_TYPE));
        assertEquals("0", EventHeaders.get(headers, EventHeaders.SCHEMA_VERSION));
        assertEquals(event, new ApiDeserializer().deserialize("t", headers, bytes));
    }

    @Test
    void readsTheCanonicalJsonMappingWithOrWithoutAContentType() {
        byte[] json = "{\"name\": \"corpus-1\", \"version\": \"v1\", \"unknownField\": 3}".getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.CONTENT_TYPE, EventHeaders.JSON.getBytes(StandardCharsets.UTF_8));
        assertEquals(event, new ApiDeserializer().deserialize("t", headers, json));
        assertEquals(event, new ApiDeserializer().deserialize("t", new RecordHeaders(), json));
    }

    @Test
    void refusesAnotherMessageTypeAndBrokenPayloads() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.MESSAGE_TYPE, "lmforge.v1.ModelReady".getBytes(StandardCharsets.UTF_8));
        assertThrows(SerializationException.class, () -> new ApiDeserializer().deserialize("t", headers, event.toByteArray()));
        assertThrows(SerializationException.class,
                () -> new ApiDeserializer().deserialize("t", new RecordHeaders(), "{not json".getBytes(StandardCharsets.UTF_8)));
    }
}
