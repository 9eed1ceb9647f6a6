package dev.lmforge.cli.tuning;

import picocli.CommandLine.Command;

@Command(name = "tune", mixinStandardHelpOptions = true, description = "Hyperparameter tuning jobs (tuner-service).",
        subcommands = {TuneCreateCommand.class, TuneDescribeCommand.class, TuneListCommand.class, TuneStopCommand.class,
                TuneWatchCommand.class, TunePlotCommand.class})
public class TuneCommand {
}
