package dev.lmforge.cli.corpus;

import dev.lmforge.api.v1.Channel;
import dev.lmforge.api.v1.CleaningOptions;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusServiceGrpc;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.api.v1.DocumentBoundary;
import dev.lmforge.api.v1.ImportCorpusRequest;
import dev.lmforge.api.v1.SplitOptions;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.cli.dataset.TokenizerKinds;
import dev.lmforge.cli.support.Format;
import dev.lmforge.cli.support.Output;
import dev.lmforge.cli.support.ProgressBar;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

@Command(name = "ingest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Ingest a corpus: upload files (plain UTF-8 text or .gz) or import from S3, clean, split.",
                "Inputs are files, directories (every file below, in name order) or one s3://bucket/prefix.",
                "With --train/--validation/--test the splits are yours (SageMaker channels) and none is computed."})
public class IngestCommand implements Runnable {

    @GrpcClient("preprocess")
    io.grpc.Channel channel;

    @Spec
    CommandLine.Model.CommandSpec command;

    @Parameters(arity = "0..*", paramLabel = "FILE|DIR|s3://...", description = "What to ingest.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--name", description = "Corpus id (letters, digits, hyphens; generated if left out).")
    String name = "";

    @Option(names = "--train", paramLabel = "FILE|DIR|s3://...", description = "Train channel.")
    String train;

    @Option(names = "--validation", paramLabel = "FILE|DIR|s3://...", description = "Validation channel.")
    String validation;

    @Option(names = "--test", paramLabel = "FILE|DIR|s3://...", description = "Test channel.")
    String test;

    @Option(names = "--lowercase", description = "Lowercase the text.")
    boolean lowercase;

    @Option(names = "--remove-stopwords", description = "Remove stop words (Lucene's list for each document's language).")
    boolean removeStopwords;

    @Option(names = "--stopwords-language", paramLabel = "LANG", description = "Stop-word list when no --language filter is set (default: en).")
    String stopwordsLanguage = "";

    @Option(names = "--language", split = ",", paramLabel = "LANG", description = "Keep only documents in these ISO 639-1 languages, e.g. en or en,de.")
    List<String> languages = new ArrayList<>();

    @Option(names = "--fold-numbers", description = "Replace numbers by <num>.")
    boolean foldNumbers;

    @Option(names = "--fold-urls", description = "Replace URLs by <url>.")
    boolean foldUrls;

    @Option(names = "--fold-emails", description = "Replace e-mail addresses by <email>.")
    boolean foldEmails;

    @Option(names = "--split-sentences", description = "One sentence per line instead of one paragraph per line.")
    boolean splitSentences;

    @Option(names = "--keep-duplicates", description = "Keep exact duplicate lines (removed by default).")
    boolean keepDuplicates;

    @Option(names = "--min-line-chars", paramLabel = "N", description = "Drop lines shorter than N characters.")
    int minLineChars;

    @Option(names = "--document-boundary", paramLabel = "line|blank-line|file",
            description = "What a document is: a line (default), a block between blank lines, or a file.")
    String boundary = "line";

    @Option(names = "--split", paramLabel = "TRAIN,VALIDATION,TEST", split = ",",
            description = "Fractions of documents per split (default 0.9,0.05,0.05).")
    List<Double> split = new ArrayList<>();

    @Option(names = "--split-salt", paramLabel = "TEXT", description = "Another salt gives another, equally deterministic, split.")
    String splitSalt = "";

    @Option(names = "--auto-tokenize", paramLabel = "KIND:VOCAB",
            description = "Have the tokenizer-service build a dataset as soon as the corpus is ingested, e.g. bpe:8000 or word:10000.")
    String autoTokenize;

    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Tags kept with the corpus.")
    Map<String, String> tags = Map.of();

    @Mixin
    Output output;

    @Override
    public void run() {
        CorpusSpec spec = spec();
        List<String> all = new ArrayList<>(inputs);
        Stream.of(train, validation, test).filter(s -> s != null).forEach(all::add);
        if (all.isEmpty()) {
            throw new CommandLine.ParameterException(command.commandLine(), "give files, directories, an s3:// prefix, or --train");
        }
        if (!inputs.isEmpty() && (train != null || validation != null || test != null)) {
            throw new CommandLine.ParameterException(command.commandLine(), "give either inputs or channels (--train/--validation/--test), not both");
        }
        long s3 = all.stream().filter(s -> s.startsWith("s3://")).count();
        Corpus corpus;
        if (s3 == all.size()) {
            corpus = importFromS3(spec);
        } else if (s3 == 0) {
            corpus = upload(spec);
        } else {
            throw new CommandLine.ParameterException(command.commandLine(), "local files and s3:// prefixes cannot be mixed");
        }
        CorpusPrinter.print(corpus, output.json());
    }

    private CorpusSpec spec() {
        CleaningOptions.Builder cleaning = CleaningOptions.newBuilder().setLowercase(lowercase).setRemoveStopwords(removeStopwords)
                .setStopwordsLanguage(stopwordsLanguage).addAllLanguages(languages).setFoldNumbers(foldNumbers).setFoldUrls(foldUrls)
                .setFoldEmails(foldEmails).setSplitSentences(splitSentences).setKeepDuplicates(keepDuplicates).setMinLineChars(minLineChars);
        CorpusSpec.Builder spec = CorpusSpec.newBuilder().setName(name).setCleaning(cleaning).putAllTags(tags)
                .setDocumentBoundary(switch (boundary) {
                    case "line" -> DocumentBoundary.DOCUMENT_BOUNDARY_LINE;
                    case "blank-line" -> DocumentBoundary.DOCUMENT_BOUNDARY_BLANK_LINE;
                    case "file" -> DocumentBoundary.DOCUMENT_BOUNDARY_FILE;
                    default -> throw new CommandLine.ParameterException(command.commandLine(),
                            "--document-boundary must be line, blank-line or file, not " + boundary);
                });
        if (!split.isEmpty()) {
            if (split.size() != 3) {
                throw new CommandLine.ParameterException(command.commandLine(), "--split takes three fractions, e.g. 0.8,0.1,0.1");
            }
            spec.setSplit(SplitOptions.newBuilder().setTrain(split.get(0)).setValidation(split.get(1)).setTest(split.get(2)));
        }
        spec.getSplitBuilder().setSalt(splitSalt);
        if (autoTokenize != null) {
            String[] parts = autoTokenize.split(":");
            try {
                spec.setAutoTokenize(TokenizerSpec.newBuilder().setKind(TokenizerKinds.parse(parts[0]))
                        .setVocabSize(parts.length > 1 ? Integer.parseInt(parts[1]) : 0));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(command.commandLine(), "--auto-tokenize takes KIND:VOCAB, e.g. bpe:8000 (" + e.getMessage() + ")");
            }
        }
        return spec.build();
    }

    private Corpus importFromS3(CorpusSpec spec) {
        ImportCorpusRequest.Builder request = ImportCorpusRequest.newBuilder().setSpec(spec);
        if (inputs.size() > 1) {
            throw new CommandLine.ParameterException(command.commandLine(), "import one s3:// prefix at a time");
        }
        if (!inputs.isEmpty()) {
            request.setSourceUri(inputs.get(0));
        }
        if (train != null) {
            request.setTrainUri(train);
        }
        if (validation != null) {
            request.setValidationUri(validation);
        }
        if (test != null) {
            request.setTestUri(test);
        }
        System.err.println("importing from S3 ...");
        return CorpusServiceGrpc.newBlockingStub(channel).importCorpus(request.build());
    }

    private Corpus upload(CorpusSpec spec) {
        List<Uploader.LocalFile> files = new ArrayList<>();
        for (String input : inputs) {
            expand(input, Channel.CHANNEL_UNSPECIFIED, files);
        }
        expandChannel(train, Channel.CHANNEL_TRAIN, files);
        expandChannel(validation, Channel.CHANNEL_VALIDATION, files);
        expandChannel(test, Channel.CHANNEL_TEST, files);
        long total = 0;
        for (Uploader.LocalFile f : files) {
            try {
                total += Files.size(f.path());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        System.err.printf("uploading %d file(s), %s%n", files.size(), Format.bytes(total));
        ProgressBar progress = new ProgressBar("uploading", total);
        Uploader uploader = new Uploader(spec, files, progress);
        CorpusServiceGrpc.newStub(channel).ingestCorpus(uploader);
        try {
            Corpus corpus = uploader.result().get();
            progress.finish("ingested corpus " + corpus.getCorpusId());
            return corpus;
        } catch (ExecutionException e) {
            progress.finish("");
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void expandChannel(String input, Channel channel, List<Uploader.LocalFile> files) {
        if (input != null) {
            expand(input, channel, files);
        }
    }

    private void expand(String input, Channel channel, List<Uploader.LocalFile> files) {
        Path path = Path.of(input);
        if (!Files.exists(path)) {
            throw new CommandLine.ParameterException(command.commandLine(), "no such file or directory: " + input);
        }
        if (Files.isDirectory(path)) {
            try (Stream<Path> walk = Files.walk(path)) {
                walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted()
                        .forEach(p -> files.add(new Uploader.LocalFile(p, channel)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            files.add(new Uploader.LocalFile(path, channel));
        }
    }
}
