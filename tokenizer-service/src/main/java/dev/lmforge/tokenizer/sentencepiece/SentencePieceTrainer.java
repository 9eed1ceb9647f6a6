package dev.lmforge.tokenizer.sentencepiece;

import dev.lmforge.common.text.SentencePieceNormalizer;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.tokenizer.sentencepiece.model.ModelProto;
import dev.lmforge.tokenizer.sentencepiece.model.NormalizerSpec;
import dev.lmforge.tokenizer.sentencepiece.model.TrainerSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Trains SentencePiece tokenizers (BPE or unigram) in pure Java and returns genuine SentencePiece
 * model files ({@code ModelProto}) that DJL's {@code SpTokenizer} and {@code spm_encode} load.
 *
 * <p>The algorithms follow SentencePiece's own trainers (spm_train 0.1.97 defaults): text is
 * normalized with {@link SentencePieceNormalizer}, split into words at spaces with U+2581 marking
 * each word start; pieces never cross words, never mix Unicode scripts and never join digits to
 * letters; characters beyond {@code characterCoverage} become unknown.
 *
 * <p>Model layout: ids 0, 1, 2 are {@code <unk>} (UNKNOWN), {@code <s>} and {@code </s>} (CONTROL);
 * with byte fallback the 256 BYTE pieces {@code <0x00>}..{@code <0xFF>} follow; then the learned
 * pieces. {@code vocabSize} counts all of them. The normalizer spec is an identity one (name
 * "identity", empty charsmap): callers normalize with {@link SentencePieceNormalizer} before
 * encoding, exactly as training did.
 */
public final class SentencePieceTrainer {

    public enum ModelType { BPE, UNIGRAM }

    /** Pieces before the learned ones: unk, bos, eos. */
    static final int SPECIAL_PIECES = 3;

    /**
     * Training options. characterCoverage default 0.9995; maxPieceLength 16; inputSentenceLimit: 0
     * = use every line, else sample that many lines deterministically (like spm's
     * input_sentence_size).
     */
    public record Options(ModelType type, int vocabSize, double characterCoverage, boolean byteFallback, int maxPieceLength, long inputSentenceLimit) {

        public static Options of(ModelType type, int vocabSize) {
            return new Options(type, vocabSize, 0.9995, false, 16, 0);
        }

        public Options withByteFallback(boolean byteFallback) {
            return new Options(type, vocabSize, characterCoverage, byteFallback, maxPieceLength, inputSentenceLimit);
        }

        public Options withCharacterCoverage(double characterCoverage) {
            return new Options(type, vocabSize, characterCoverage, byteFallback, maxPieceLength, inputSentenceLimit);
        }

        public Options withInputSentenceLimit(long inputSentenceLimit) {
            return new Options(type, vocabSize, characterCoverage, byteFallback, maxPieceLength, inputSentenceLimit);
        }

        int metaPieces() {
            return SPECIAL_PIECES + (byteFallback ? 256 : 0);
        }
    }

    private SentencePieceTrainer() {
    }

    /**
     * Trains on UTF-8 text, one sentence/paragraph per line, and returns a serialized ModelProto.
     * Streams the file: memory grows with the number of distinct pre-tokenized words, not the file
     * size. An interrupted calling thread stops training with an {@link java.io.InterruptedIOException}.
     */
    public static byte[] train(Path input, Options options) throws IOException {
        try {
            return trainModel(input, options, null).toByteArray();
        } catch (java.util.concurrent.CancellationException e) {
            // the calling thread was interrupted (a cancelled job): stop early, keep the flag set
            java.io.InterruptedIOException ex = new java.io.InterruptedIOException(e.getMessage());
            ex.initCause(e);
            throw ex;
        }
    }

    /** Progress and timing of one training run (for logs and benchmarks). */
    static final class Report {
        long lines;
        long sampledLines;
        int distinctWords;
        int alphabet;
        double coverage;
        long countMillis;
        long trainMillis;
        int seedPieces;

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "lines=%d sampled=%d words=%d alphabet=%d coverage=%.5f count=%dms train=%dms seeds=%d",
                    lines, sampledLines, distinctWords, alphabet, coverage, countMillis, trainMillis, seedPieces);
        }
    }

    static ModelProto trainModel(Path input, Options options, Report report) throws IOException {
        validate(options);
        if (report == null) {
            report = new Report();
        }
        int threads = threads();
        long t0 = System.nanoTime();
        WordCounter.Result counted = WordCounter.count(input, options.inputSentenceLimit(), threads);
        if (counted.words().size() == 0) {
            throw LmForgeException.invalidArgument("the training text is empty: it has no non-blank lines; upload text with one sentence or paragraph per line");
        }
        TrainingCorpus corpus = TrainingCorpus.build(counted.words(), options.characterCoverage());
        report.lines = counted.lines();
        report.sampledLines = counted.sampledLines();
        report.distinctWords = corpus.numWords;
        report.alphabet = corpus.numChars;
        report.coverage = corpus.coverage;
        report.countMillis = (System.nanoTime() - t0) / 1_000_000;

        int meta = options.metaPieces();
        int minimum = meta + corpus.numChars;
        if (options.vocabSize() < minimum) {
            throw LmForgeException.invalidArgument(
                    "vocab_size %d cannot hold the %d characters that cover %s of the text plus %d special pieces; use at least %d (or a lower character_coverage)",
                    options.vocabSize(), corpus.numChars, percent(options.characterCoverage()), meta, minimum);
        }
        long t1 = System.nanoTime();
        String[] pieces;
        float[] scores;
        if (options.type() == ModelType.BPE) {
            int wanted = options.vocabSize() - minimum;
            BpeTrainer.Result r = new BpeTrainer(corpus, options.maxPieceLength()).train(wanted);
            if (r.exhausted()) {
                throw tooLarge(options.vocabSize(), minimum + r.merges().size());
            }
            int n = r.merges().size() + corpus.numChars;
            pieces = new String[n];
            scores = new float[n];
            int k = 0;
            for (int[] chars : r.merges()) {
                pieces[k] = toString(corpus, chars);
                scores[k] = -(float) k;
                k++;
            }
            for (int c = 0; c < corpus.numChars; c++) {
                pieces[k] = corpus.charString(c);
                scores[k] = -(float) k;
                k++;
            }
        } else {
            UnigramTrainer trainer = new UnigramTrainer(corpus, options.maxPieceLength(), threads);
            UnigramTrainer.Result r = trainer.train(options.vocabSize() - meta, options.vocabSize());
            report.seedPieces = trainer.seedCount();
            if (r.pieces().size() < options.vocabSize() - meta) {
                throw tooLarge(options.vocabSize(), meta + r.pieces().size());
            }
            int n = r.pieces().size();
            pieces = new String[n];
            scores = new float[n];
            for (int i = 0; i < n; i++) {
                pieces[i] = toString(corpus, r.pieces().get(i));
                scores[i] = r.scores()[i];
            }
        }
        report.trainMillis = (System.nanoTime() - t1) / 1_000_000;
        java.util.Set<String> unique = new java.util.HashSet<>(pieces.length * 2);
        for (String p : pieces) {
            if (!unique.add(p)) {
                throw new IllegalStateException("trainer produced the piece \"" + p + "\" twice");
            }
        }
        return buildModel(options, pieces, scores, counted, input);
    }

    static LmForgeException tooLarge(int vocabSize, int max) {
        return LmForgeException.invalidArgument(
                "vocab_size %d is too large for this text: at most %d pieces can be learned; use a smaller vocab_size or more text",
                vocabSize, max);
    }

    private static String percent(double coverage) {
        String s = String.format(Locale.ROOT, "%.4f", coverage * 100).replaceAll("0+$", "").replaceAll("\\.$", "");
        return s + "%";
    }

    static String toString(TrainingCorpus corpus, int[] chars) {
        StringBuilder sb = new StringBuilder(chars.length + 4);
        for (int c : chars) {
            sb.appendCodePoint(corpus.charCodePoint[c]);
        }
        return sb.toString();
    }

    static int threads() {
        return Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
    }

    private static void validate(Options o) {
        if (o == null || o.type() == null) {
            throw LmForgeException.invalidArgument("model type is required: BPE or UNIGRAM");
        }
        if (o.vocabSize() <= 0) {
            throw LmForgeException.invalidArgument("vocab_size must be positive, got %d", o.vocabSize());
        }
        if (!(o.characterCoverage() > 0 && o.characterCoverage() <= 1)) {
            throw LmForgeException.invalidArgument("character_coverage must be in (0, 1], got %s (0.9995 is usual; 1.0 keeps every character)", o.characterCoverage());
        }
        if (o.maxPieceLength() < 1 || o.maxPieceLength() > 512) {
            throw LmForgeException.invalidArgument("max_piece_length must be between 1 and 512, got %d (16 is usual)", o.maxPieceLength());
        }
        if (o.inputSentenceLimit() < 0) {
            throw LmForgeException.invalidArgument("input_sentence_limit must be 0 (every line) or positive, got %d", o.inputSentenceLimit());
        }
    }

    private static ModelProto buildModel(Options o, String[] pieces, float[] scores, WordCounter.Result counted, Path input) {
        ModelProto.Builder m = ModelProto.newBuilder();
        m.addPieces(ModelProto.SentencePiece.newBuilder().setPiece("<unk>").setScore(0).setType(ModelProto.SentencePiece.Type.UNKNOWN));
        m.addPieces(ModelProto.SentencePiece.newBuilder().setPiece("<s>").setScore(0).setType(ModelProto.SentencePiece.Type.CONTROL));
        m.addPieces(ModelProto.SentencePiece.newBuilder().setPiece("</s>").setScore(0).setType(ModelProto.SentencePiece.Type.CONTROL));
        if (o.byteFallback()) {
            for (int b = 0; b < 256; b++) {
                m.addPieces(ModelProto.SentencePiece.newBuilder().setPiece(bytePiece(b)).setScore(0).setType(ModelProto.SentencePiece.Type.BYTE));
            }
        }
        for (int i = 0; i < pieces.length; i++) {
            m.addPieces(ModelProto.SentencePiece.newBuilder().setPiece(pieces[i]).setScore(scores[i]).setType(ModelProto.SentencePiece.Type.NORMAL));
        }
        TrainerSpec.Builder t = TrainerSpec.newBuilder()
                .addInput(input.getFileName() == null ? input.toString() : input.getFileName().toString())
                .setInputFormat("text")
                .setModelType(o.type() == ModelType.BPE ? TrainerSpec.ModelType.BPE : TrainerSpec.ModelType.UNIGRAM)
                .setVocabSize(m.getPiecesCount())
                .setSelfTestSampleSize(0)
                .setCharacterCoverage((float) o.characterCoverage())
                .setInputSentenceSize(o.inputSentenceLimit())
                .setShuffleInputSentence(true)
                .setMaxSentenceLength(1 << 30) // every line is used, whatever its length
                .setNumThreads(threads())
                .setMaxSentencepieceLength(o.maxPieceLength())
                .setSplitByUnicodeScript(true)
                .setSplitByNumber(true)
                .setSplitByWhitespace(true)
                .setTreatWhitespaceAsSuffix(false)
                .setAllowWhitespaceOnlyPieces(false)
                .setSplitDigits(false)
                .setByteFallback(o.byteFallback())
                .setVocabularyOutputPieceScore(true)
                .setHardVocabLimit(true)
                .setUseAllVocab(false)
                .setUnkId(0)
                .setBosId(1)
                .setEosId(2)
                .setPadId(-1)
                .setUnkPiece("<unk>")
                .setBosPiece("<s>")
                .setEosPiece("</s>")
                .setPadPiece("<pad>")
                .setUnkSurface(" \u2047 ")
                .setTrainExtremelyLargeCorpus(false);
        if (o.type() == ModelType.UNIGRAM) {
            t.setSeedSentencepieceSize(UnigramTrainer.SEED_SIZE)
                    .setShrinkingFactor((float) UnigramTrainer.SHRINKING_FACTOR)
                    .setNumSubIterations(UnigramTrainer.SUB_ITERATIONS);
        }
        m.setTrainerSpec(t);
        m.setNormalizerSpec(NormalizerSpec.newBuilder()
                .setName("identity")
                .setPrecompiledCharsmap(com.google.protobuf.ByteString.EMPTY)
                .setAddDummyPrefix(true)
                .setRemoveExtraWhitespaces(true)
                .setEscapeWhitespaces(true));
        return m.build();
    }

    static String bytePiece(int b) {
        return String.format(Locale.ROOT, "<0x%02X>", b);
    }

    static List<String> specialPieces() {
        return List.of("<unk>", "<s>", "</s>");
    }
}
