package dev.lmforge.cli.dataset;

import picocli.CommandLine.Command;

@Command(name = "dataset", mixinStandardHelpOptions = true, description = "Build and inspect tokenized datasets (tokenizer-service).",
        subcommands = {DatasetCreateCommand.class, DatasetGetCommand.class, DatasetListCommand.class, DatasetDeleteCommand.class})
public class DatasetCommand {
}
