package dev.lmforge.cli.support;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import picocli.CommandLine.Option;

/**
 * {@code -o table|json} of every command that prints a resource or a list (a picocli mixin). JSON is
 * the protobuf JSON mapping of the API's own message, a list the List…Response of all its pages, so
 * that {@code jq} reads it as it reads {@code aws … --output json}.
 */
public class Output {

    public enum Kind { table, json }

    @Option(names = {"-o", "--output"}, paramLabel = "table|json", defaultValue = "table",
            description = "table (for people; the default) or json (the protobuf JSON mapping of the API's message, for jq)")
    Kind kind;

    @Option(names = "--json", hidden = true, description = "The same as -o json.")
    boolean json;

    public boolean json() {
        return json || kind == Kind.json;
    }

    /** Prints {@code message} in the protobuf JSON mapping, fields at their defaults included, so that every field is there for jq. */
    public static void printJson(MessageOrBuilder message) {
        try {
            System.out.println(JsonFormat.printer().includingDefaultValueFields().print(message));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
