package dev.lmforge.preprocess.service;

import dev.lmforge.api.v1.Channel;
import dev.lmforge.api.v1.CleaningOptions;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.api.v1.CorpusStats;
import dev.lmforge.api.v1.DocumentBoundary;
import dev.lmforge.api.v1.SplitOptions;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.api.v1.WordCount;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.preprocess.GzipBomb;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;

import static dev.lmforge.preprocess.service.PipelineHarness.File.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorpusPipelineTest {

    static final String ENGLISH = "The committee adopted the report on the protection of workers after a long debate in the chamber.";
    static final String GERMAN = "Der Ausschuss hat den Bericht über den Schutz der Arbeitnehmer nach einer langen Aussprache angenommen.";
    static final String FRENCH = "La commission a adopté le rapport sur la protection des travailleurs après un long débat dans l'hémicycle.";

    static String documents(int n) {
        return IntStream.range(0, n).mapToObj(i -> "Document number " + i + " talks about topic " + (i * 7919 % 101) + ".")
                .collect(Collectors.joining("\n"));
    }

    @Test
    void splitIsDeterministicAndFollowsTheFractions() throws Exception {
        String input = documents(4000);
        PipelineHarness a = PipelineHarness.run(CorpusSpec.getDefaultInstance(), text("a.txt", input));
        PipelineHarness b = PipelineHarness.run(CorpusSpec.getDefaultInstance(), text("renamed.txt", input));
        for (Split s : Split.values()) {
            assertEquals(a.text(s), b.text(s), "split " + s + " differs between two runs on the same input");
        }
        assertEquals(4000, a.allLines().size());
        double train = a.lines(Split.TRAIN).size() / 4000.0;
        assertTrue(train > 0.88 && train < 0.92, "train share " + train);
        assertTrue(a.lines(Split.VALIDATION).size() > 150 && a.lines(Split.TEST).size() > 150);

        PipelineHarness salted = PipelineHarness.run(CorpusSpec.newBuilder().setSplit(SplitOptions.newBuilder().setSalt("other")).build(),
                text("a.txt", input));
        assertFalse(a.text(Split.VALIDATION).equals(salted.text(Split.VALIDATION)), "another salt should give another split");
    }

    @Test
    void aDocumentKeepsItsSplitWhateverTheCleaningOptions() throws Exception {
        String input = documents(500);
        PipelineHarness plain = PipelineHarness.run(CorpusSpec.getDefaultInstance(), text("a.txt", input));
        PipelineHarness noStops = PipelineHarness.run(CorpusSpec.newBuilder()
                .setCleaning(CleaningOptions.newBuilder().setRemoveStopwords(true).setLowercase(true)).build(), text("a.txt", input));
        assertEquals(plain.lines(Split.TEST).size(), noStops.lines(Split.TEST).size());
        assertEquals(plain.lines(Split.TEST).get(0).toLowerCase().replace("about ", ""), noStops.lines(Split.TEST).get(0));
    }

    @Test
    void removesStopWordsOnlyWhenAsked() throws Exception {
        PipelineHarness kept = PipelineHarness.run(CorpusSpec.getDefaultInstance(), text("en.txt", ENGLISH));
        assertEquals(List.of(ENGLISH), kept.allLines());
        assertEquals(0, kept.result.stats().getStopwordsRemoved());

        PipelineHarness removed = PipelineHarness.run(CorpusSpec.newBuilder()
                .setCleaning(CleaningOptions.newBuilder().setRemoveStopwords(true)).build(), text("en.txt", ENGLISH));
        assertEquals(List.of("committee adopted report protection workers long debate chamber."), removed.allLines());
        assertEquals(9, removed.result.stats().getStopwordsRemoved());
    }

    @Test
    void stopWordsFollowEachDocumentsLanguageUnderALanguageFilter() throws Exception {
        PipelineHarness h = PipelineHarness.run(CorpusSpec.newBuilder().setCleaning(CleaningOptions.newBuilder()
                .setRemoveStopwords(true).addLanguages("en").addLanguages("de")).build(), text("mixed.txt", ENGLISH + "\n" + GERMAN));
        List<String> lines = h.allLines();
        assertEquals(2, lines.size());
        assertFalse(lines.get(1).contains(" der "), lines.get(1));
        assertTrue(lines.get(1).startsWith("Ausschuss"), lines.get(1));
    }

    @Test
    void keepsOnlyTheRequestedLanguages() throws Exception {
        PipelineHarness h = PipelineHarness.run(CorpusSpec.newBuilder().setCleaning(CleaningOptions.newBuilder().addLanguages("en")).build(),
                text("mixed.txt", ENGLISH + "\n" + GERMAN + "\n" + FRENCH));
        assertEquals(List.of(ENGLISH), h.allLines());
        CorpusStats s = h.result.stats();
        assertEquals(2, s.getDroppedDocumentsOrThrow("language"));
        assertEquals(1, s.getLanguagesOrThrow("en"));
        assertEquals(1, s.getLanguagesOrThrow("de"));
        assertEquals(1, s.getLanguagesOrThrow("fr"));
        assertEquals(1, s.getLanguageSampleEvery());
    }

    @Test
    void rejectsUnknownLanguageCodes() {
        var e = assertThrows(LmForgeException.class, () -> PipelineHarness.run(CorpusSpec.newBuilder()
                .setCleaning(CleaningOptions.newBuilder().addLanguages("xx")).build(), text("a.txt", ENGLISH)));
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, e.kind());
    }

    @Test
    void removesExactDuplicateLinesUnlessKept() throws Exception {
        String input = "(Applause)\nA first line.\n(Applause)\nA second line.\n(Applause)";
        PipelineHarness h = PipelineHarness.run(CorpusSpec.getDefaultInstance(), text("a.txt", input));
        assertEquals(3, h.allLines().size());
        assertEquals(2, h.result.stats().getDroppedLinesOrThrow("duplicate"));
        PipelineHarness kept = PipelineHarness.run(CorpusSpec.newBuilder()
                .setCleaning(CleaningOptions.newBuilder().setKeepDuplicates(true)).build(), text("a.txt", input));
        assertEquals(5, kept.allLines().size());
    }

    @Test
    void countsInvalidUtf8LinesInsteadOfRepairingThem() throws Exception {
        byte[] latin1 = "bad \u00e9 line".getBytes(StandardCharsets.ISO_8859_1);
        byte[] mixed = concat("good line one\n".getBytes(StandardCharsets.UTF_8), latin1, "\ngood line two\n".getBytes(StandardCharsets.UTF_8));
        PipelineHarness h = PipelineHarness.run(CorpusSpec.getDefaultInstance(),
                new PipelineHarness.File("mixed.txt", Channel.CHANNEL_UNSPECIFIED, mixed));
        assertEquals(2, h.allLines().size());
        assertEquals(1, h.result.stats().getDroppedLinesOrThrow("invalid_utf8"));
        assertTrue(h.result.warnings().get(0).contains("1 of 3 lines are invalid UTF-8"), h.result.warnings().toString());
    }

    @Test
    void rejectsAFileThatIsNotUtf8AtAll() {
        byte[] latin1 = "caf\u00e9\nna\u00efve\n".getBytes(StandardCharsets.ISO_8859_1);
        var e = assertThrows(LmForgeException.class, () -> PipelineHarness.run(CorpusSpec.getDefaultInstance(),
                new PipelineHarness.File("latin1.txt", Channel.CHANNEL_UNSPECIFIED, latin1)));
        assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
    }

    @Test
    void rejectsBinaryInput() {
        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0};
        var e = assertThrows(LmForgeException.class, () -> PipelineHarness.run(CorpusSpec.getDefaultInstance(),
                text("ok.txt", ENGLISH), new PipelineHarness.File("ls", Channel.CHANNEL_UNSPECIFIED, elf)));
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("'ls' looks binary"), e.getMessage());
    }

    @Test
    void readsGzipAndSkipsEmptyFilesWithAWarning() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(documents(50).getBytes(StandardCharsets.UTF_8));
        }
        PipelineHarness h = PipelineHarness.run(CorpusSpec.getDefaultInstance(),
                new PipelineHarness.File("a.txt.gz", Channel.CHANNEL_UNSPECIFIED, gz.toByteArray()),
                new PipelineHarness.File("empty.txt", Channel.CHANNEL_UNSPECIFIED, new byte[0]));
        assertEquals(50, h.allLines().size());
        assertTrue(h.result.sources().get(0).getGzip());
        assertTrue(h.result.warnings().contains("file 'empty.txt' is empty and was skipped"), h.result.warnings().toString());
    }

    @Test
    void channelsDecideTheSplit() throws Exception {
        PipelineHarness h = PipelineHarness.run(CorpusSpec.getDefaultInstance(),
                new PipelineHarness.File("t", Channel.CHANNEL_TRAIN, documents(30).getBytes(StandardCharsets.UTF_8)),
                new PipelineHarness.File("v", Channel.CHANNEL_VALIDATION, "Validation only.".getBytes(StandardCharsets.UTF_8)));
        assertEquals(30, h.lines(Split.TRAIN).size());
        assertEquals(List.of("Validation only."), h.lines(Split.VALIDATION));
        assertTrue(h.lines(Split.TEST).isEmpty());
        assertTrue(h.result.warnings().stream().anyMatch(w -> w.contains("test split is empty")));
    }

    @Test
    void channelsCannotBeMixedWithUnsplitFiles() {
        var e = assertThrows(LmForgeException.class, () -> PipelineHarness.run(CorpusSpec.getDefaultInstance(),
                new PipelineHarness.File("t", Channel.CHANNEL_TRAIN, "a".getBytes(StandardCharsets.UTF_8)),
                text("plain.txt", "b")));
        assertTrue(e.getMessage().contains("either every file names its channel"), e.getMessage());
    }

    @Test
    void blankLineBoundariesMakeMultiParagraphDocumentsAndSentencesCanBeSplit() throws Exception {
        String input = "First paragraph. It has two sentences.\nSecond paragraph.\n\nAnother document.\n";
        PipelineHarness h = PipelineHarness.run(CorpusSpec.newBuilder().setDocumentBoundary(DocumentBoundary.DOCUMENT_BOUNDARY_BLANK_LINE)
                .setCleaning(CleaningOptions.newBuilder().setSplitSentences(true)).build(), text("a.txt", input));
        assertEquals(2, h.result.stats().getDocuments());
        assertEquals(4, h.result.stats().getLines());
        assertTrue(h.allLines().contains("It has two sentences."));
    }

    @Test
    void statisticsDescribeTheText() throws Exception {
        PipelineHarness h = PipelineHarness.run(CorpusSpec.getDefaultInstance(), text("a.txt", "the cat and the hat\n\nthe end"));
        CorpusStats s = h.result.stats();
        assertEquals(2, s.getDocuments());
        assertEquals(7, s.getWords());
        assertEquals(5, s.getVocabularySize());
        assertEquals(5 / 7.0, s.getTypeTokenRatio(), 1e-9);
        assertEquals("the", s.getTopWords(0).getWord());
        assertEquals(3, s.getTopWords(0).getCount());
        assertEquals("the cat and the hat".length() + "the end".length(), s.getCharacters());
        assertEquals(3, s.getInputLines());
    }

    @Test
    void nothingLeftToTrainOnIsAnError() {
        var e = assertThrows(LmForgeException.class, () -> PipelineHarness.run(CorpusSpec.getDefaultInstance(), text("blank.txt", "\n \n\t\n")));
        assertTrue(e.getMessage().contains("no text is left for the train split"), e.getMessage());
    }

    @Test
    void invalidSplitFractionsAreRejected() {
        var e = assertThrows(LmForgeException.class, () -> PipelineHarness.run(CorpusSpec.newBuilder()
                .setSplit(SplitOptions.newBuilder().setTrain(0.5).setValidation(0.1).setTest(0.1)).build(), text("a.txt", "x")));
        assertTrue(e.getMessage().contains("must sum to 1"), e.getMessage());
    }

    @Test
    void invalidSplitFractionsAreRejectedWhateverTheirValue() {
        for (double bad : new double[] {Double.NaN, -0.1, Double.POSITIVE_INFINITY, 1.5}) {
            var e = assertThrows(LmForgeException.class, () -> PipelineHarness.run(CorpusSpec.newBuilder()
                    .setSplit(SplitOptions.newBuilder().setTrain(bad).setValidation(0.5)).build(), text("a.txt", "x")));
            assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, e.kind());
            assertTrue(e.getMessage().contains("split fractions must"), e.getMessage());
        }
    }

    @Test
    void aGzipBombIsStoppedWhileItInflates() {
        GzipBomb bomb = new GzipBomb(1L << 30);
        var e = assertThrows(LmForgeException.class, () -> PipelineHarness.run(CorpusSpec.getDefaultInstance(), PipelineHarness.SETTINGS,
                oneSource(new IncomingFile("bomb.txt.gz", Channel.CHANNEL_UNSPECIFIED, bomb))));
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("'bomb.txt.gz' looks like a gzip bomb") && e.getMessage().contains("lmforge.preprocess.max-gzip-ratio"),
                e.getMessage());
        // The reader's 64 KiB buffers of compressed input run ahead of what it inflated (~1 MiB), yet stay far from 1 GiB.
        assertTrue(bomb.textRead() < 64L << 20, "generated " + bomb.textRead() + " bytes before stopping");
    }

    @Test
    void theCorpusSizeIsBoundedAfterGunzipAndAcrossFiles() throws Exception {
        CorpusPipeline.Settings small = PipelineHarness.settings(new InputLimits(100_000, 100, 1 << 20, 100));
        byte[] text = documents(3000).getBytes(StandardCharsets.UTF_8);
        assertTrue(text.length > 100_000);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(text);
        }
        assertTrue(gz.size() < 100_000, "the compressed file alone fits: " + gz.size());
        var gzipped = assertThrows(LmForgeException.class, () -> PipelineHarness.run(CorpusSpec.getDefaultInstance(), small,
                oneSource(new IncomingFile("big.txt.gz", Channel.CHANNEL_UNSPECIFIED, new ByteArrayInputStream(gz.toByteArray())))));
        assertEquals(LmForgeException.Kind.RESOURCE_EXHAUSTED, gzipped.kind());
        assertTrue(gzipped.getMessage().contains("larger than 100000 bytes of text") && gzipped.getMessage().contains("lmforge.preprocess.max-corpus-bytes"),
                gzipped.getMessage());

        byte[] half = documents(1800).getBytes(StandardCharsets.UTF_8);
        assertTrue(half.length < 100_000 && 2 * half.length > 100_000);
        List<IncomingFile> files = new ArrayList<>(List.of(new IncomingFile("1.txt", Channel.CHANNEL_UNSPECIFIED, new ByteArrayInputStream(half)),
                new IncomingFile("2.txt", Channel.CHANNEL_UNSPECIFIED, new ByteArrayInputStream(half))));
        var twoFiles = assertThrows(LmForgeException.class, () -> PipelineHarness.run(CorpusSpec.getDefaultInstance(), small,
                () -> files.isEmpty() ? null : files.remove(0)));
        assertEquals(LmForgeException.Kind.RESOURCE_EXHAUSTED, twoFiles.kind());
        assertTrue(twoFiles.getMessage().contains("reached in file '2.txt'"), twoFiles.getMessage());
    }

    @Test
    void aCorpusOfHugeWordsKeepsItsStatisticsSmall() throws Exception {
        StringBuilder input = new StringBuilder();
        for (int w = 0; w < 200; w++) {
            String word = String.valueOf((char) ('a' + w % 26)).repeat(20_000) + w;
            for (int r = 0; r <= w % 3; r++) {
                input.append(word).append('\n');
            }
        }
        PipelineHarness h = PipelineHarness.run(CorpusSpec.newBuilder().setCleaning(CleaningOptions.newBuilder().setKeepDuplicates(true)).build(),
                text("long.txt", input.toString()));
        CorpusStats s = h.result.stats();
        assertEquals(200, s.getVocabularySize(), "words are told apart by their whole text, not the part kept");
        assertEquals(20, s.getTopWordsCount());
        for (WordCount w : s.getTopWordsList()) {
            assertEquals(64, w.getWord().length(), w.getWord());
            assertTrue(w.getWord().endsWith("\u2026"));
            assertEquals(3, w.getCount());
        }
        assertTrue(s.getSerializedSize() < 8 * 1024, "statistics of " + s.getSerializedSize() + " bytes");
    }

    @Test
    void tooManyFilesAreRefused() {
        CorpusPipeline.Settings twoFiles = PipelineHarness.settings(new InputLimits(1 << 20, 100, 1 << 20, 2));
        int[] served = {0};
        var e = assertThrows(LmForgeException.class, () -> PipelineHarness.run(CorpusSpec.getDefaultInstance(), twoFiles,
                () -> new IncomingFile("f" + served[0]++, Channel.CHANNEL_UNSPECIFIED, new ByteArrayInputStream("x".getBytes(StandardCharsets.UTF_8)))));
        assertEquals(LmForgeException.Kind.RESOURCE_EXHAUSTED, e.kind());
        assertTrue(e.getMessage().contains("more than 2 files") && e.getMessage().contains("lmforge.preprocess.max-files"), e.getMessage());
        assertEquals(3, served[0], "refused at the first file too many");
    }

    @Test
    void hostileSpecsAndFilesAreInvalidArgumentsThatSayWhy() {
        String huge = "x".repeat(1 << 20);
        expectInvalid("document_boundary 99 is unknown", CorpusSpec.newBuilder().setDocumentBoundaryValue(99).build(), text("a.txt", "x"));
        expectInvalid("split.salt is 1048576 characters; at most 256",
                CorpusSpec.newBuilder().setSplit(SplitOptions.newBuilder().setSalt(huge)).build(), text("a.txt", "x"));
        CorpusSpec.Builder manyTags = CorpusSpec.newBuilder();
        for (int i = 0; i < 51; i++) {
            manyTags.putTags("t" + i, "v");
        }
        expectInvalid("51 tags given; at most 50", manyTags.build(), text("a.txt", "x"));
        expectInvalid("keys must have 1-128 characters", CorpusSpec.newBuilder().putTags("k", huge).build(), text("a.txt", "x"));
        expectInvalid("put the tokenizer model in S3", CorpusSpec.newBuilder()
                .setAutoTokenize(TokenizerSpec.newBuilder().setModel(ByteString.copyFrom(new byte[300_000]))).build(), text("a.txt", "x"));
        String unknownLanguage = expectInvalid("unknown language code 'xxxxx",
                CorpusSpec.newBuilder().setCleaning(CleaningOptions.newBuilder().addLanguages(huge)).build(), text("a.txt", "x"));
        assertTrue(unknownLanguage.length() < 300, "the message shows the code abbreviated: " + unknownLanguage.length());
        expectInvalid("no stop-word list for language 'zz'",
                CorpusSpec.newBuilder().setCleaning(CleaningOptions.newBuilder().setStopwordsLanguage("zz")).build(), text("a.txt", "x"));
        expectInvalid("min_line_chars must be >= 0",
                CorpusSpec.newBuilder().setCleaning(CleaningOptions.newBuilder().setMinLineChars(-1)).build(), text("a.txt", "x"));
        expectInvalid("holds a control character", CorpusSpec.getDefaultInstance(), text("a\u0000.txt", "x"));
        expectInvalid("is 2000 bytes; at most 1024", CorpusSpec.getDefaultInstance(), text("n".repeat(2000), "x"));
        expectInvalid("its channel is unknown", CorpusSpec.getDefaultInstance(),
                new PipelineHarness.File("a.txt", Channel.UNRECOGNIZED, "x".getBytes(StandardCharsets.UTF_8)));
    }

    private static String expectInvalid(String messagePart, CorpusSpec spec, PipelineHarness.File file) {
        var e = assertThrows(LmForgeException.class, () -> PipelineHarness.run(spec, file));
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), "'" + e.getMessage().substring(0, Math.min(300, e.getMessage().length()))
                + "' should mention '" + messagePart + "'");
        return e.getMessage();
    }

    private static CorpusSource oneSource(IncomingFile file) {
        List<IncomingFile> files = new ArrayList<>(List.of(file));
        return () -> files.isEmpty() ? null : files.remove(0);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
