package dev.lmforge.cli.corpus;

import picocli.CommandLine.Command;

@Command(name = "corpus", mixinStandardHelpOptions = true, description = "Ingest and inspect corpora (preprocess-service).",
        subcommands = {IngestCommand.class, CorpusGetCommand.class, CorpusListCommand.class, CorpusDeleteCommand.class})
public class CorpusCommand {
}
