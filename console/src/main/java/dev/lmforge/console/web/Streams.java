package dev.lmforge.console.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import dev.lmforge.common.store.ProtoJson;
import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.Multi;

import java.util.Map;

/** A service's stream as server-sent events of JSON; a failure ends it with one {"error": ...} event the page shows. */
final class Streams {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Streams() {
    }

    static <M extends Message> Multi<String> json(Multi<M> messages) {
        return messages.map(ProtoJson::compact).onFailure().recoverWithItem(Streams::error);
    }

    static String error(Throwable failure) {
        String message = failure instanceof StatusRuntimeException e ? ErrorPages.message(e.getStatus()) : String.valueOf(failure.getMessage());
        try {
            return JSON.writeValueAsString(Map.of("error", message));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
