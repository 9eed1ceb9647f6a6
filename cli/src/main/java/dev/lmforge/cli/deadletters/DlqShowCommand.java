package dev.lmforge.cli.deadletters;

import dev.lmforge.cli.deadletters.DeadLetterTopics.DeadLetter;
import jakarta.inject.Inject;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;

@Command(name = "show", mixinStandardHelpOptions = true, description = "One dead letter: every header, and the value (as JSON when it decodes).")
public class DlqShowCommand implements Runnable {

    @Inject
    DeadLetterTopics deadLetters;

    @Parameters(paramLabel = "ID", description = "SERVICE/OFFSET, as 'dlq list' shows")
    String id;

    @Override
    public void run() {
        DeadLetter d = deadLetters.get(id);
        System.out.println("id:    " + d.id());
        System.out.println("time:  " + d.time());
        System.out.println("key:   " + DlqListCommand.abbreviate(d.key(), 200));
        System.out.println("headers:");
        for (Header h : d.headers()) {
            String value = h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
            System.out.println("  " + h.key() + ": " + DlqListCommand.abbreviate(value, 2000));
        }
        System.out.println("value:");
        System.out.println(d.readableValue());
    }
}
