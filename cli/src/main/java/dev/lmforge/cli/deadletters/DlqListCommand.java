package dev.lmforge.cli.deadletters;

import dev.lmforge.cli.deadletters.DeadLetterTopics.DeadLetter;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

@Command(name = "list", mixinStandardHelpOptions = true, description = "The dead letters of every service, oldest first.")
public class DlqListCommand implements Runnable {

    @Inject
    DeadLetterTopics deadLetters;

    @Option(names = "--service", description = "Only this service's, e.g. trainer-service.")
    String service;

    @Override
    public void run() {
        List<DeadLetter> all = deadLetters.list(service);
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

    static String abbreviate(String s, int max) {
        if (s == null) {
            return "-";
        }
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= max ? printable : printable.substring(0, max - 3) + "...";
    }
}
