package dev.lmforge.common.store;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

import java.nio.charset.StandardCharsets;

/** Manifests and other JSON artifacts are the canonical JSON mapping of a protobuf message. */
public final class ProtoJson {

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Printer PRETTY = JsonFormat.printer();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private ProtoJson() {
    }

    public static byte[] bytes(Message message) {
        return print(message, PRETTY).getBytes(StandardCharsets.UTF_8);
    }

    public static String compact(Message message) {
        return print(message, PRINTER);
    }

    @SuppressWarnings("unchecked")
    public static <B extends Message.Builder> B merge(byte[] json, B builder) {
        try {
            PARSER.merge(new String(json, StandardCharsets.UTF_8), builder);
            return builder;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored JSON is not a valid " + builder.getDescriptorForType().getFullName(), e);
        }
    }

    private static String print(Message message, JsonFormat.Printer printer) {
        try {
            return printer.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }
}
