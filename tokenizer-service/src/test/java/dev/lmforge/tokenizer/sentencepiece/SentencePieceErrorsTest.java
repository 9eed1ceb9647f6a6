package dev.lmforge.tokenizer.sentencepiece;

import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.tokenizer.sentencepiece.SentencePieceTrainer.ModelType;
import dev.lmforge.tokenizer.sentencepiece.SentencePieceTrainer.Options;
import dev.lmforge.tokenizer.sentencepiece.model.ModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad training input and unusable model files fail with INVALID_ARGUMENT and a message to act on. */
class SentencePieceErrorsTest {

    @TempDir
    Path dir;

    private Path smallText() throws Exception {
        return SpTestSupport.write(dir, "small.txt", List.of(
                "the cat sat on the mat",
                "the dog sat on the log",
                "a cat and a dog"));
    }

    private static void contains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected \"" + part + "\" in: " + message);
        }
    }

    private static LmForgeException invalid(org.junit.jupiter.api.function.Executable e) {
        LmForgeException ex = assertThrows(LmForgeException.class, e);
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, ex.kind(), ex.getMessage());
        return ex;
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void vocabularyTooLargeForTheText(ModelType type) throws Exception {
        Path text = smallText();
        LmForgeException ex = invalid(() -> SentencePieceTrainer.train(text, Options.of(type, 32000)));
        assertTrue(ex.getMessage().startsWith("vocab_size 32000 is too large for this text: at most "), ex.getMessage());
        contains(ex.getMessage(), "pieces can be learned; use a smaller vocab_size or more text");
        // the bound it names can be trained
        int max = Integer.parseInt(ex.getMessage().replaceAll(".*at most (\\d+) pieces.*", "$1"));
        if (type == ModelType.BPE) {
            byte[] model = SentencePieceTrainer.train(text, Options.of(type, max));
            assertEquals(max, SentencePieceModels.inspect(model).vocabSize());
        }
        assertTrue(max < 200, "at most " + max);
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void vocabularyTooSmallForTheCharacters(ModelType type) throws Exception {
        Path text = smallText(); // 13 distinct characters (12 letters and the word mark)
        LmForgeException ex = invalid(() -> SentencePieceTrainer.train(text, Options.of(type, 10)));
        assertEquals("vocab_size 10 cannot hold the 13 characters that cover 99.95% of the text plus 3 special pieces; use at least 16 (or a lower character_coverage)",
                ex.getMessage());
        LmForgeException withBytes = invalid(() -> SentencePieceTrainer.train(text, Options.of(type, 100).withByteFallback(true)));
        contains(withBytes.getMessage(), "plus 259 special pieces; use at least 272");
    }

    @Test
    void emptyTextAndBadOptions() throws Exception {
        Path empty = SpTestSupport.write(dir, "empty.txt", List.of("", "   ", "\t"));
        contains(invalid(() -> SentencePieceTrainer.train(empty, Options.of(ModelType.BPE, 100))).getMessage(), "the training text is empty");
        Path text = smallText();
        contains(invalid(() -> SentencePieceTrainer.train(text, Options.of(ModelType.BPE, 0))).getMessage(), "vocab_size must be positive");
        contains(invalid(() -> SentencePieceTrainer.train(text, new Options(ModelType.UNIGRAM, 100, 1.5, false, 16, 0))).getMessage(), "character_coverage must be in (0, 1]");
        contains(invalid(() -> SentencePieceTrainer.train(text, new Options(ModelType.UNIGRAM, 100, 0.9995, false, 0, 0))).getMessage(), "max_piece_length");
        contains(invalid(() -> SentencePieceTrainer.train(text, new Options(null, 100, 0.9995, false, 16, 0))).getMessage(), "model type is required");
    }

    @Test
    void corruptModelBytes() throws Exception {
        contains(invalid(() -> SentencePieceModels.inspect(new byte[0])).getMessage(), "model file is empty");
        byte[] garbage = "this is a .vocab file\t-1.5\nnot a model\t-2\n".getBytes(StandardCharsets.UTF_8);
        contains(invalid(() -> SentencePieceModels.inspect(garbage)).getMessage(), "not a SentencePiece model file");
        byte[] good = SentencePieceTrainer.train(smallText(), Options.of(ModelType.BPE, 30));
        byte[] truncated = Arrays.copyOf(good, good.length / 2);
        contains(invalid(() -> SentencePieceModels.inspect(truncated)).getMessage(), "not a SentencePiece model file", "truncated");
    }

    @Test
    void modelWithoutUnknownPiece() throws Exception {
        ModelProto good = ModelProto.parseFrom(SentencePieceTrainer.train(smallText(), Options.of(ModelType.BPE, 30)));
        ModelProto.Builder b = good.toBuilder();
        b.setPieces(0, b.getPieces(0).toBuilder().setType(ModelProto.SentencePiece.Type.CONTROL));
        contains(invalid(() -> SentencePieceModels.inspect(b.build().toByteArray())).getMessage(), "has no UNKNOWN piece");

        ModelProto.Builder twoUnknown = good.toBuilder();
        twoUnknown.setPieces(1, twoUnknown.getPieces(1).toBuilder().setType(ModelProto.SentencePiece.Type.UNKNOWN));
        contains(invalid(() -> SentencePieceModels.inspect(twoUnknown.build().toByteArray())).getMessage(), "2 UNKNOWN pieces");
    }

    @Test
    void duplicateEmptyAndStrayBytePieces() throws Exception {
        ModelProto good = ModelProto.parseFrom(SentencePieceTrainer.train(smallText(), Options.of(ModelType.BPE, 30)));
        ModelProto.Builder dup = good.toBuilder();
        dup.setPieces(5, dup.getPieces(5).toBuilder().setPiece(dup.getPieces(4).getPiece()));
        contains(invalid(() -> SentencePieceModels.inspect(dup.build().toByteArray())).getMessage(), "occurs twice");

        ModelProto.Builder empty = good.toBuilder();
        empty.setPieces(5, empty.getPieces(5).toBuilder().setPiece(""));
        contains(invalid(() -> SentencePieceModels.inspect(empty.build().toByteArray())).getMessage(), "piece id 5 is empty");

        ModelProto.Builder stray = good.toBuilder();
        stray.addPieces(ModelProto.SentencePiece.newBuilder().setPiece("<0x41>").setType(ModelProto.SentencePiece.Type.BYTE));
        contains(invalid(() -> SentencePieceModels.inspect(stray.build().toByteArray())).getMessage(), "byte_fallback is false");

        ModelProto withBytes = ModelProto.parseFrom(SentencePieceTrainer.train(smallText(), Options.of(ModelType.BPE, 280).withByteFallback(true)));
        ModelProto.Builder missing = withBytes.toBuilder();
        missing.removePieces(3 + 0x41);
        contains(invalid(() -> SentencePieceModels.inspect(missing.build().toByteArray())).getMessage(), "255 of the 256 byte pieces");
    }

    @Test
    void interruptedTrainingStops() throws Exception {
        Path text = smallText();
        Thread.currentThread().interrupt();
        try {
            assertThrows(java.io.InterruptedIOException.class, () -> SentencePieceTrainer.train(text, Options.of(ModelType.UNIGRAM, 30)));
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void unreadableInputIsAnIoErrorNotAnArgumentError() {
        Path missing = dir.resolve("missing.txt");
        assertThrows(java.io.IOException.class, () -> SentencePieceTrainer.train(missing, Options.of(ModelType.BPE, 100)));
        assertFalse(Files.exists(missing));
    }
}
