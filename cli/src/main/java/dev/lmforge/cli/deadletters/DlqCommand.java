package dev.lmforge.cli.deadletters;

import picocli.CommandLine.Command;

@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Dead letters: the event records a service gave up on, with the reason; show one, replay them after a fix.",
        subcommands = {DlqListCommand.class, DlqShowCommand.class, DlqReplayCommand.class})
public class DlqCommand {
}
