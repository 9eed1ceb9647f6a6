package dev.lmforge.cli.deadletters;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.lmforge.cli.deadletters.DeadLetterTopics.DeadLetter;
import dev.lmforge.cli.support.Output;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

@Command(name = "list", mixinStandardHelpOptions = true, description = "The dead letters of every service, oldest first.")
public class DlqListCommand implements Runnable {

    @Inject
    DeadLetterTopics deadLetters;

    @Option(names = "--service", description = "Only this service's, e.g. trainer-service.")
    String service;

    @Mixin
    Output output;

    @Override
    public void run() {
        List<DeadLetter> all = deadLetters.list(service);
        if (output.json()) {
            Output.printJson(json(all));
            return;
        }
        if (all.isEmpty()) {
            System.out.println("no dead letters");
            return;
        }
        String row = "%-24s %-20s %-26s %-28s %-18s %s%n";
        System.out.printf(row, "ID", "TIME", "TOPIC", "KEY", "REASON", "MESSAGE");
        for (DeadLetter d : all) {
            System.out.printf(row, d.id(), d.time().toString().substring(0, 19), d.header(DeadLetterTopics.ORIGINAL_TOPIC),
                    abbreviate(d.key(), 28), d.header(DeadLetterTopics.REASON), abbreviate(d.header(DeadLetterTopics.MESSAGE), 100));
        }
    }

    /** {"deadLetters": [{id, service, offset, time, key, topic, reason, message}, …]}: the records' own fields, not an API message. */
    static Struct json(List<DeadLetter> all) {
        ListValue.Builder list = ListValue.newBuilder();
        for (DeadLetter d : all) {
            Struct.Builder row = Struct.newBuilder().putFields("id", text(d.id())).putFields("service", text(d.service()))
                    .putFields("offset", Value.newBuilder().setNumberValue(d.offset()).build()).putFields("time", text(d.time().toString()))
                    .putFields("key", text(d.key())).putFields("topic", text(d.header(DeadLetterTopics.ORIGINAL_TOPIC)))
                    .putFields("reason", text(d.header(DeadLetterTopics.REASON))).putFields("message", text(d.header(DeadLetterTopics.MESSAGE)));
            list.addValues(Value.newBuilder().setStructValue(row));
        }
        return Struct.newBuilder().putFields("deadLetters", Value.newBuilder().setListValue(list).build()).build();
    }

    private static Value text(String s) {
        return s == null ? Value.newBuilder().setNullValueValue(0).build() : Value.newBuilder().setStringValue(s).build();
    }

    static String abbreviate(String s, int max) {
        if (s == null) {
            return "-";
        }
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= max ? printable : printable.substring(0, max - 3) + "...";
    }
}
