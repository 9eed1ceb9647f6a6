package dev.lmforge.cli;

import dev.lmforge.cli.auth.AuthCommand;
import dev.lmforge.cli.auth.TokenCommand;
import dev.lmforge.cli.corpus.CorpusCommand;
import dev.lmforge.cli.dataset.DatasetCommand;
import dev.lmforge.cli.deadletters.DlqCommand;
import dev.lmforge.cli.serving.EndpointsCommand;
import dev.lmforge.cli.serving.GenerateCommand;
import dev.lmforge.cli.serving.ModelsCommand;
import dev.lmforge.cli.study.StudyCommand;
import dev.lmforge.cli.serving.PredictCommand;
import dev.lmforge.cli.serving.ScoreCommand;
import dev.lmforge.cli.training.JobsCommand;
import dev.lmforge.cli.training.TrainCommand;
import dev.lmforge.cli.tuning.TuneCommand;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

@TopCommand
@Command(name = "lmforge", mixinStandardHelpOptions = true, version = "LM Forge 0.1.0",
        description = "Train, tune and serve LSTM language models: a client of the LM Forge services.",
        subcommands = {CorpusCommand.class, DatasetCommand.class, TokenizeCommand.class, TrainCommand.class, JobsCommand.class, TuneCommand.class,
                PredictCommand.class, ScoreCommand.class, GenerateCommand.class, EndpointsCommand.class, ModelsCommand.class, StudyCommand.class,
                DlqCommand.class, TokenCommand.class, AuthCommand.class, CompletionCommand.class})
public class LmForgeCommand {
}
