package dev.lmforge.preprocess.service;

import dev.lmforge.api.v1.Channel;
import dev.lmforge.api.v1.CleaningOptions;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.api.v1.CorpusStats;
import dev.lmforge.api.v1.SourceFile;
import dev.lmforge.api.v1.SplitStats;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.preprocess.text.Hashing;
import dev.lmforge.preprocess.text.LanguageIdentifier;
import dev.lmforge.preprocess.text.StopWords;
import dev.lmforge.preprocess.text.TextCleaner;
import dev.lmforge.preprocess.text.VocabularyCounter;
import dev.lmforge.preprocess.text.Words;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import org.apache.lucene.analysis.CharArraySet;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Cleans, filters, deduplicates and splits the documents of one ingestion, writing each kept line
 * to its split's stream. Documents are cleaned in parallel batches (order kept, so the output is
 * deterministic); deduplication, splitting, writing and statistics run in order on one thread.
 * Nothing but one batch of documents, the line fingerprints and the word counts stays in memory.
 */
public final class CorpusPipeline {

    /** Limits and tuning, from the service's configuration. */
    public record Settings(int maxLineBytes, long maxDocumentChars, int batchDocuments, int maxExactVocabulary,
            int languageSampleEvery, int maxLanguageSamples, int topWords, int topWordMaxChars, InputLimits inputLimits) {
    }

    /** What came out: statistics, the files read, and what a person should know. */
    public record Result(CorpusStats stats, List<SourceFile> sources, List<String> warnings) {
    }

    private static final double[] DEFAULT_FRACTIONS = {0.9, 0.05, 0.05};

    private final Settings settings;
    private final LanguageIdentifier languageIdentifier;
    private final StopWords stopWords;
    private final TextCleaner cleaner;
    private final CleaningOptions options;
    private final Set<String> allowedLanguages;
    private final String stopwordsLanguage;
    private final double[] fractions;
    private final long salt;
    private final dev.lmforge.api.v1.DocumentBoundary boundary;

    public CorpusPipeline(CorpusSpec spec, Settings settings, LanguageIdentifier languageIdentifier, StopWords stopWords) {
        this.settings = settings;
        this.languageIdentifier = languageIdentifier;
        this.stopWords = stopWords;
        SpecChecks.checkSpec(spec);
        this.options = spec.getCleaning();
        this.cleaner = new TextCleaner(options);
        this.boundary = spec.getDocumentBoundary();
        this.allowedLanguages = new HashSet<>();
        for (String code : options.getLanguagesList()) {
            allowedLanguages.add(LanguageIdentifier.requireKnown(code));
        }
        this.stopwordsLanguage = options.getStopwordsLanguage().isEmpty() ? "en" : options.getStopwordsLanguage().toLowerCase(Locale.ROOT);
        StopWords.requireSupported(stopwordsLanguage);
        if (options.getMinLineChars() < 0) {
            throw LmForgeException.invalidArgument("min_line_chars must be >= 0, got %d", options.getMinLineChars());
        }
        this.fractions = fractions(spec);
        this.salt = Hashing.hash64(spec.getSplit().getSalt(), 0);
    }

    static double[] fractions(CorpusSpec spec) {
        var s = spec.getSplit();
        if (s.getTrain() == 0 && s.getValidation() == 0 && s.getTest() == 0) {
            return DEFAULT_FRACTIONS;
        }
        double[] f = {s.getTrain(), s.getValidation(), s.getTest()};
        for (double v : f) {
            if (!(v >= 0 && v <= 1)) {
                throw LmForgeException.invalidArgument("split fractions must lie in [0, 1], got %s/%s/%s", f[0], f[1], f[2]);
            }
        }
        if (Math.abs(f[0] + f[1] + f[2] - 1) > 1e-6 || f[0] == 0) {
            throw LmForgeException.invalidArgument(
                    "split fractions must sum to 1 with a non-zero train share, got %s + %s + %s", f[0], f[1], f[2]);
        }
        return f;
    }

    public Result run(CorpusSource source, Map<Split, OutputStream> sinks) throws IOException {
        ExecutorService ordered = Executors.newSingleThreadExecutor(r -> new Thread(r, "corpus-sequencer"));
        try {
            return run(source, new Sequencer(sinks, ordered));
        } finally {
            ordered.shutdownNow();
        }
    }

    private Result run(CorpusSource source, Sequencer sequencer) throws IOException {
        long started = System.nanoTime();
        DocumentReader reader = new DocumentReader(boundary, settings.maxLineBytes(), settings.maxDocumentChars(), settings.inputLimits());
        List<SourceFile> files = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Boolean channels = null;
        Set<Channel> channelsSeen = new HashSet<>();
        List<RawDocument> batch = new ArrayList<>(settings.batchDocuments());
        int[] languageSamples = {0};
        IncomingFile file;
        while ((file = source.next()) != null) {
            if (files.size() == settings.inputLimits().maxFiles()) {
                throw LmForgeException.resourceExhausted("more than %d files in one corpus: merge them, or raise %s",
                        settings.inputLimits().maxFiles(), InputLimits.MAX_FILES_KEY);
            }
            SpecChecks.checkFile(file);
            boolean hasChannel = file.channel() != Channel.CHANNEL_UNSPECIFIED;
            if (channels == null) {
                channels = hasChannel;
            } else if (channels != hasChannel) {
                throw LmForgeException.invalidArgument(
                        "file '%s' %s a channel but earlier files %s: either every file names its channel (train, validation, test) or none does",
                        file.name(), hasChannel ? "names" : "names no", channels ? "do" : "do not");
            }
            channelsSeen.add(file.channel());
            Channel channel = file.channel();
            DocumentReader.FileReport report = reader.read(file.name(), file.content(), lines -> {
                long hash = salt;
                for (String line : lines) {
                    hash = Hashing.combine(hash, line);
                }
                // Decided here, in input order, so the sample is the same on every run.
                boolean sample = Math.floorMod(hash, settings.languageSampleEvery()) == 0
                        && languageSamples[0] < settings.maxLanguageSamples();
                if (sample) {
                    languageSamples[0]++;
                }
                batch.add(new RawDocument(lines, channel, hash, sample));
                if (batch.size() == settings.batchDocuments()) {
                    sequencer.submit(cleanBatch(batch));
                    batch.clear();
                }
            });
            sequencer.stats.inputBytes += report.bytes;
            sequencer.stats.inputLines += report.lines;
            sequencer.stats.dropLines("invalid_utf8", report.invalidLines);
            if (report.bytes == 0) {
                warnings.add("file '" + file.name() + "' is empty and was skipped");
            } else if (report.invalidLines > 0) {
                warnings.add(String.format("file '%s': %d of %d lines are invalid UTF-8 and were dropped",
                        file.name(), report.invalidLines, report.lines));
            }
            files.add(SourceFile.newBuilder().setName(file.name()).setChannel(channel)
                    .setBytes(report.bytes).setGzip(report.gzip).build());
        }
        sequencer.submit(cleanBatch(batch));
        if (files.isEmpty()) {
            throw LmForgeException.invalidArgument("the upload holds no files");
        }
        if (Boolean.TRUE.equals(channels) && !channelsSeen.contains(Channel.CHANNEL_TRAIN)) {
            throw LmForgeException.invalidArgument("channels were given but none is 'train': the train channel is required");
        }
        sequencer.drain();
        CorpusStats stats = sequencer.finish((System.nanoTime() - started) / 1e9);
        if (stats.getSplitsOrThrow(Split.TRAIN.label()).getLines() == 0) {
            throw LmForgeException.invalidArgument(
                    "no text is left for the train split: %d input lines in %d file(s), dropped lines by reason: %s",
                    stats.getInputLines(), files.size(), stats.getDroppedLinesMap());
        }
        for (Split split : List.of(Split.VALIDATION, Split.TEST)) {
            if (stats.getSplitsOrThrow(split.label()).getLines() == 0) {
                warnings.add("the " + split.label() + " split is empty" + (Boolean.TRUE.equals(channels)
                        ? " (no " + split.label() + " channel)" : ": the corpus has only " + stats.getDocuments() + " documents"));
            }
        }
        return new Result(stats, files, warnings);
    }

    /** A document as read; its hash (of the raw text, so cleaning options never move it to another split). */
    private record RawDocument(List<String> lines, Channel channel, long hash, boolean languageSample) {
    }

    /** A document after cleaning, ready for the ordered stage. */
    private record CleanedDocument(Split split, List<String> lines, String language,
            int sourceLines, int droppedEmpty, int droppedShort, int stopwordsRemoved, boolean languageRejected) {
    }

    private List<CleanedDocument> cleanBatch(List<RawDocument> batch) {
        return batch.parallelStream().map(this::clean).toList();
    }

    private CleanedDocument clean(RawDocument doc) {
        Split split = doc.channel() == Channel.CHANNEL_UNSPECIFIED ? splitOf(doc.hash()) : Split.of(doc.channel());
        List<String> cleaned = new ArrayList<>(doc.lines().size());
        for (String line : doc.lines()) {
            cleaned.add(cleaner.clean(line));
        }
        String language = null;
        boolean mustDetect = !allowedLanguages.isEmpty();
        if (mustDetect || doc.languageSample()) {
            language = languageIdentifier.detect(String.join(" ", cleaned));
        }
        if (mustDetect && !allowedLanguages.contains(language)) {
            return new CleanedDocument(split, List.of(), language, doc.lines().size(), 0, 0, 0, true);
        }
        CharArraySet stops = null;
        if (options.getRemoveStopwords()) {
            stops = mustDetect ? stopWords.forLanguage(language) : stopWords.forLanguage(stopwordsLanguage);
        }
        Locale locale = language == null ? Locale.ROOT : Locale.forLanguageTag(language);
        List<String> out = new ArrayList<>(cleaned.size());
        int empty = 0;
        int tooShort = 0;
        int removed = 0;
        int minChars = Math.max(1, options.getMinLineChars());
        for (String paragraph : cleaned) {
            if (stops != null && !stops.isEmpty()) {
                int before = paragraph.length();
                StringBuilder kept = new StringBuilder(before);
                removed += removeStopWords(paragraph, stops, kept);
                paragraph = kept.toString();
            }
            for (String line : options.getSplitSentences() ? sentences(paragraph, locale) : List.of(paragraph)) {
                if (line.isEmpty()) {
                    empty++;
                } else if (line.codePointCount(0, line.length()) < minChars) {
                    tooShort++;
                } else {
                    out.add(line);
                }
            }
        }
        return new CleanedDocument(split, out, language, doc.lines().size(), empty, tooShort, removed, false);
    }

    private Split splitOf(long hash) {
        double u = Hashing.unit(hash);
        if (u < fractions[0]) {
            return Split.TRAIN;
        }
        return u < fractions[0] + fractions[1] ? Split.VALIDATION : Split.TEST;
    }

    /** Appends the line without its stop words to {@code kept}; returns how many were removed. */
    static int removeStopWords(String line, CharArraySet stops, StringBuilder kept) {
        int[] removed = {0};
        Words.forEachToken(line, (start, end, coreStart, coreEnd) -> {
            String core = line.substring(coreStart, coreEnd).replace('\u2019', '\'');
            boolean stop = coreStart < coreEnd && stops.contains(core.toLowerCase(Locale.ROOT));
            if (stop) {
                removed[0]++;
            }
            // A removed word leaves the punctuation around it ("the," -> ",").
            String token = stop ? line.substring(start, coreStart) + line.substring(coreEnd, end) : line.substring(start, end);
            if (!token.isEmpty()) {
                if (kept.length() > 0) {
                    kept.append(' ');
                }
                kept.append(token);
            }
        });
        return removed[0];
    }

    private static List<String> sentences(String paragraph, Locale locale) {
        BreakIterator it = BreakIterator.getSentenceInstance(locale);
        it.setText(paragraph);
        List<String> out = new ArrayList<>();
        int start = it.first();
        for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            out.add(paragraph.substring(start, end).strip());
        }
        return out;
    }

    /**
     * The ordered stage: deduplication, writing and statistics, one batch at a time on its own
     * thread, so that it overlaps the cleaning of the next batch.
     */
    private final class Sequencer {
        private final Map<Split, OutputStream> sinks;
        private final ExecutorService thread;
        private final StatsAccumulator stats;
        /** The fingerprint of every line kept: 8 bytes a line, never the line. */
        private final LongOpenHashSet seen = new LongOpenHashSet();
        private Future<?> previous = CompletableFuture.completedFuture(null);

        Sequencer(Map<Split, OutputStream> sinks, ExecutorService thread) {
            this.sinks = sinks;
            this.thread = thread;
            this.stats = new StatsAccumulator(settings.maxExactVocabulary(), settings.topWordMaxChars());
        }

        /** Hands a batch over once the previous one is done, so at most two batches are in memory. */
        void submit(List<CleanedDocument> docs) throws IOException {
            drain();
            previous = thread.submit(() -> {
                accept(docs);
                return null;
            });
        }

        void drain() throws IOException {
            try {
                previous.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }

        private void accept(List<CleanedDocument> docs) throws IOException {
            for (CleanedDocument d : docs) {
                if (d.language() != null) {
                    stats.languages.merge(d.language(), 1L, Long::sum);
                }
                if (d.languageRejected()) {
                    stats.dropDocument("language");
                    stats.dropLines("language", d.sourceLines());
                    continue;
                }
                stats.dropLines("empty", d.droppedEmpty());
                stats.dropLines("too_short", d.droppedShort());
                stats.stopwordsRemoved += d.stopwordsRemoved();
                OutputStream sink = sinks.get(d.split());
                int kept = 0;
                for (int i = 0; i < d.lines().size(); i++) {
                    String line = d.lines().get(i);
                    if (!options.getKeepDuplicates() && !seen.add(Hashing.hash64(line, 0))) {
                        stats.dropLines("duplicate", 1);
                        continue;
                    }
                    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                    sink.write(bytes);
                    sink.write('\n');
                    stats.addLine(d.split(), line, bytes.length + 1);
                    kept++;
                }
                if (kept > 0) {
                    stats.addDocument(d.split());
                } else {
                    stats.dropDocument(d.lines().isEmpty() ? "empty" : "duplicate");
                }
            }
        }

        CorpusStats finish(double seconds) {
            return stats.build(settings.topWords(), settings.languageSampleEvery(), !allowedLanguages.isEmpty(), seconds);
        }
    }

    /** Running totals; turned into the CorpusStats message at the end. */
    private static final class StatsAccumulator {
        final VocabularyCounter vocabulary;
        final Map<String, Long> languages = new TreeMap<>();
        final Map<String, Long> droppedLines = new TreeMap<>();
        final Map<String, Long> droppedDocuments = new TreeMap<>();
        final Map<Split, long[]> splits = new EnumMap<>(Split.class);
        long inputBytes;
        long inputLines;
        long stopwordsRemoved;

        StatsAccumulator(int maxExactVocabulary, int maxWordChars) {
            vocabulary = new VocabularyCounter(maxExactVocabulary, maxWordChars);
            for (Split s : Split.values()) {
                splits.put(s, new long[5]);
            }
        }

        void dropLines(String reason, long n) {
            if (n > 0) {
                droppedLines.merge(reason, n, Long::sum);
            }
        }

        void dropDocument(String reason) {
            droppedDocuments.merge(reason, 1L, Long::sum);
        }

        void addDocument(Split split) {
            splits.get(split)[0]++;
        }

        void addLine(Split split, String line, int bytes) {
            long[] s = splits.get(split);
            s[1]++;
            s[3] += line.codePointCount(0, line.length());
            s[4] += bytes;
            Words.forEach(line, (start, end) -> {
                s[2]++;
                vocabulary.add(line, start, end);
            });
        }

        CorpusStats build(int topWords, int sampleEvery, boolean everyDocument, double seconds) {
            CorpusStats.Builder b = CorpusStats.newBuilder();
            long docs = 0, lines = 0, words = 0, chars = 0;
            for (Split split : Split.values()) {
                long[] s = splits.get(split);
                b.putSplits(split.label(), SplitStats.newBuilder().setDocuments(s[0]).setLines(s[1]).setWords(s[2])
                        .setCharacters(s[3]).setBytes(s[4]).build());
                docs += s[0];
                lines += s[1];
                words += s[2];
                chars += s[3];
            }
            long vocab = vocabulary.size();
            return b.setDocuments(docs).setLines(lines).setWords(words).setCharacters(chars)
                    .setVocabularySize(vocab).setVocabularySizeEstimated(vocabulary.estimated())
                    .setTypeTokenRatio(words == 0 ? 0 : (double) vocab / words)
                    .addAllTopWords(vocabulary.top(topWords))
                    .putAllLanguages(languages).putAllDroppedLines(droppedLines).putAllDroppedDocuments(droppedDocuments)
                    .setInputBytes(inputBytes).setInputLines(inputLines).setStopwordsRemoved(stopwordsRemoved)
                    .setLanguageSampleEvery(everyDocument ? 1 : sampleEvery)
                    .setSeconds(seconds).build();
        }
    }
}
