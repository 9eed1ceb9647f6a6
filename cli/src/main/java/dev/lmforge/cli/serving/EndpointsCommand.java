package dev.lmforge.cli.serving;

import picocli.CommandLine.Command;

@Command(name = "endpoints", mixinStandardHelpOptions = true, description = "Endpoints and the model versions behind them.",
        subcommands = {EndpointsListCommand.class, EndpointsSetCommand.class})
public class EndpointsCommand {
}
