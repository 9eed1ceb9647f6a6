package dev.lmforge.cli.dataset;

import com.google.protobuf.ByteString;
import dev.lmforge.api.v1.CreateDatasetRequest;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.DatasetServiceGrpc;
import dev.lmforge.api.v1.GetDatasetRequest;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.TokenizerKind;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.cli.support.CliErrors;
import dev.lmforge.cli.support.Output;
import dev.lmforge.cli.support.ProgressBar;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Build a dataset: train a tokenizer on the corpus's train split, then tokenize every split. Waits and shows progress.")
public class DatasetCreateCommand implements Callable<Integer> {

    @GrpcClient("tokenizer")
    DatasetServiceGrpc.DatasetServiceBlockingStub datasets;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    @Option(names = "--corpus", required = true, paramLabel = "ID", description = "The corpus to tokenize.")
    String corpus;

    @Option(names = "--tokenizer", required = true, paramLabel = "word|bpe|unigram|sentencepiece",
            description = "Word-level, SentencePiece BPE or unigram trained here, or an existing SentencePiece model (--model).")
    String tokenizer;

    @Option(names = "--vocab-size", paramLabel = "N|max",
            description = "Vocabulary size, special tokens included; max (word tokenizer): every word seen --min-count times.")
    String vocabSize;

    @Option(names = "--min-count", paramLabel = "N", description = "Word tokenizer: words seen fewer times become <unk>.")
    int minCount;

    @Option(names = "--character-coverage", paramLabel = "X", description = "SentencePiece: share of characters covered (default 0.9995).")
    double characterCoverage;

    @Option(names = "--byte-fallback", description = "SentencePiece: unknown characters become byte pieces, so every text round-trips.")
    boolean byteFallback;

    @Option(names = "--model", paramLabel = "FILE|s3://...", description = "With --tokenizer sentencepiece: the .model file to use.")
    String model;

    @Option(names = "--id", paramLabel = "ID", description = "Dataset id (generated if left out).")
    String id = "";

    @Option(names = "--no-wait", description = "Return as soon as the build is queued.")
    boolean noWait;

    @Mixin
    Output output;

    /** The vocabulary size to ask for: "max" is the word tokenizer's 0 (every word); a size is required otherwise. */
    private int vocabSize(TokenizerKind kind) {
        if (vocabSize == null) {
            if (kind == TokenizerKind.TOKENIZER_KIND_SENTENCEPIECE_MODEL) {
                return 0; // the model's own
            }
            throw new CommandLine.ParameterException(command.commandLine(), "--vocab-size is required: a size, or max for every word (word tokenizer)");
        }
        if (vocabSize.equals("max")) {
            if (kind != TokenizerKind.TOKENIZER_KIND_WORD) {
                throw new CommandLine.ParameterException(command.commandLine(), "--vocab-size max is for the word tokenizer; give BPE and unigram a size");
            }
            return 0;
        }
        try {
            return Integer.parseInt(vocabSize);
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(command.commandLine(), "--vocab-size must be a number or max, not '" + vocabSize + "'");
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        TokenizerKind kind;
        try {
            kind = TokenizerKinds.parse(tokenizer);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command.commandLine(), e.getMessage());
        }
        TokenizerSpec.Builder spec = TokenizerSpec.newBuilder().setKind(kind).setVocabSize(vocabSize(kind)).setMinCount(minCount)
                .setCharacterCoverage(characterCoverage).setByteFallback(byteFallback);
        if (model != null) {
            if (model.startsWith("s3://")) {
                spec.setModelUri(model);
            } else {
                spec.setModel(ByteString.copyFrom(Files.readAllBytes(Path.of(model))));
            }
        }
        Dataset d = datasets.createDataset(CreateDatasetRequest.newBuilder().setDatasetId(id).setCorpusId(corpus).setTokenizer(spec).build());
        if (!noWait) {
            d = follow(d);
        }
        DatasetPrinter.print(d, output.json());
        return d.getStatus() == JobStatus.JOB_STATUS_FAILED ? CliErrors.FAILED : 0;
    }

    private Dataset follow(Dataset d) throws InterruptedException {
        ProgressBar progress = new ProgressBar("building", 1000);
        String phase = "";
        while (d.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS) {
            if (!d.getPhase().equals(phase)) {
                phase = d.getPhase();
                progress.finish(phase + " ...");
                progress = new ProgressBar(phase.startsWith("tokenizing") ? phase.substring("tokenizing ".length()) : "", 1000);
            }
            if (phase.startsWith("tokenizing")) {
                progress.update(Math.round(d.getProgress() * 1000));
            }
            Thread.sleep(500);
            d = datasets.getDataset(GetDatasetRequest.newBuilder().setDatasetId(d.getDatasetId()).build());
        }
        progress.finish(d.getStatus() == JobStatus.JOB_STATUS_COMPLETED ? "dataset " + d.getDatasetId() + " is ready" : "dataset " + d.getDatasetId() + " failed");
        return d;
    }
}
