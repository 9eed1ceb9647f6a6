package dev.lmforge.cli.deadletters;

import dev.lmforge.cli.deadletters.DeadLetterTopics.DeadLetter;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Send dead letters back to their topics (after the cause is fixed). Consumers are idempotent: a record handled twice does its work once.")
public class DlqReplayCommand implements Runnable {

    @Inject
    DeadLetterTopics deadLetters;

    @Parameters(paramLabel = "ID", arity = "0..*", description = "SERVICE/OFFSET of each record to replay")
    List<String> ids = List.of();

    @Option(names = "--all", description = "Every dead letter (of --service, if given).")
    boolean all;

    @Option(names = "--service", description = "With --all: only this service's.")
    String service;

    @Override
    public void run() {
        if (all == !ids.isEmpty()) {
            throw new IllegalArgumentException("name the dead letters to replay (SERVICE/OFFSET ...) or give --all, not both");
        }
        List<DeadLetter> chosen = all ? deadLetters.list(service) : ids.stream().map(deadLetters::get).toList();
        for (DeadLetter d : chosen) {
            RecordMetadata sent = deadLetters.replay(d);
            System.out.printf("replayed %s to %s (partition %d, offset %d)%n", d.id(), sent.topic(), sent.partition(), sent.offset());
        }
        System.out.printf("%d dead letter(s) replayed%n", chosen.size());
    }
}
