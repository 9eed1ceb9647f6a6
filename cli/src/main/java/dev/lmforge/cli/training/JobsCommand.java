package dev.lmforge.cli.training;

import picocli.CommandLine.Command;

@Command(name = "jobs", mixinStandardHelpOptions = true, description = "Training jobs: describe, list, stop, watch, plot.",
        subcommands = {JobsDescribeCommand.class, JobsListCommand.class, JobsStopCommand.class, JobsWatchCommand.class, JobsPlotCommand.class})
public class JobsCommand {
}
