package dev.lmforge.tokenizer.sentencepiece;

import dev.lmforge.common.text.SentencePieceNormalizer;
import ai.djl.sentencepiece.SpTokenizer;
import dev.lmforge.tokenizer.sentencepiece.SentencePieceTrainer.ModelType;
import dev.lmforge.tokenizer.sentencepiece.SentencePieceTrainer.Options;
import dev.lmforge.tokenizer.sentencepiece.model.ModelProto;
import dev.lmforge.tokenizer.sentencepiece.model.NormalizerSpec;
import dev.lmforge.tokenizer.sentencepiece.model.TrainerSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model files we write: layout, scores, specs, determinism, sampling (no external tools). */
class SentencePieceModelFormatTest {

    static final int VOCAB = 1000;

    @TempDir
    static Path dir;
    static Path text;

    @BeforeAll
    static void data() throws Exception {
        text = SpTestSupport.write(dir, "train.txt", SpTestSupport.trainingLines(400_000));
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void layoutAndSpecs(ModelType type) throws Exception {
        byte[] bytes = SentencePieceTrainer.train(text, Options.of(type, VOCAB).withByteFallback(true));
        ModelProto m = ModelProto.parseFrom(bytes);
        assertEquals(VOCAB, m.getPiecesCount());
        assertEquals("<unk>", m.getPieces(0).getPiece());
        assertEquals(ModelProto.SentencePiece.Type.UNKNOWN, m.getPieces(0).getType());
        assertEquals("<s>", m.getPieces(1).getPiece());
        assertEquals(ModelProto.SentencePiece.Type.CONTROL, m.getPieces(1).getType());
        assertEquals("</s>", m.getPieces(2).getPiece());
        assertEquals(ModelProto.SentencePiece.Type.CONTROL, m.getPieces(2).getType());
        for (int b = 0; b < 256; b++) {
            assertEquals(String.format("<0x%02X>", b), m.getPieces(3 + b).getPiece());
            assertEquals(ModelProto.SentencePiece.Type.BYTE, m.getPieces(3 + b).getType());
        }
        Set<String> seen = new HashSet<>();
        for (int id = 259; id < VOCAB; id++) {
            ModelProto.SentencePiece p = m.getPieces(id);
            assertEquals(ModelProto.SentencePiece.Type.NORMAL, p.getType());
            assertTrue(seen.add(p.getPiece()), "unique: " + p.getPiece());
            assertFalse(p.getPiece().isEmpty());
            assertTrue(p.getPiece().indexOf('\u2581', 1) < 0, "the word mark only starts a piece: " + p.getPiece());
            assertTrue(p.getPiece().codePointCount(0, p.getPiece().length()) <= 16);
        }
        TrainerSpec t = m.getTrainerSpec();
        assertEquals(type == ModelType.BPE ? TrainerSpec.ModelType.BPE : TrainerSpec.ModelType.UNIGRAM, t.getModelType());
        assertTrue(t.hasModelType(), "model_type must be present: absent reads as UNIGRAM");
        assertEquals(VOCAB, t.getVocabSize());
        assertEquals(0.9995f, t.getCharacterCoverage());
        assertTrue(t.getByteFallback());
        assertTrue(t.getSplitByUnicodeScript() && t.getSplitByNumber() && t.getSplitByWhitespace());
        assertEquals(16, t.getMaxSentencepieceLength());
        assertEquals(0, t.getUnkId());
        assertEquals(1, t.getBosId());
        assertEquals(2, t.getEosId());
        assertEquals(-1, t.getPadId());
        assertEquals("<unk>", t.getUnkPiece());
        NormalizerSpec n = m.getNormalizerSpec();
        assertEquals("identity", n.getName());
        assertTrue(n.hasPrecompiledCharsmap() && n.getPrecompiledCharsmap().isEmpty());
        assertTrue(n.hasAddDummyPrefix() && n.getAddDummyPrefix());
        assertTrue(n.hasRemoveExtraWhitespaces() && n.getRemoveExtraWhitespaces());
        assertTrue(n.hasEscapeWhitespaces() && n.getEscapeWhitespaces());

        SentencePieceModels.Info info = SentencePieceModels.inspect(bytes);
        assertEquals(type.name(), info.type());
        assertEquals(VOCAB, info.vocabSize());
        assertTrue(info.byteFallback());
        assertEquals(m.getPieces(500).getPiece(), info.pieces().get(500));
    }

    @Test
    void bpeScoresAreMinusTheMergeRankAndCharactersComeLast() throws Exception {
        ModelProto m = ModelProto.parseFrom(SentencePieceTrainer.train(text, Options.of(ModelType.BPE, VOCAB)));
        int firstChar = -1;
        for (int id = 3; id < VOCAB; id++) {
            ModelProto.SentencePiece p = m.getPieces(id);
            assertEquals(-(float) (id - 3), p.getScore(), p.getPiece());
            int len = p.getPiece().codePointCount(0, p.getPiece().length());
            if (len == 1 && firstChar < 0) {
                firstChar = id;
            }
            if (firstChar >= 0) {
                assertEquals(1, len, "after the merges come only single characters: " + p.getPiece());
            }
        }
        assertTrue(firstChar > 3, "merges first");
        assertEquals("\u2581", m.getPieces(firstChar).getPiece(), "the word mark is the most frequent character");
    }

    @Test
    void unigramScoresAreLogProbabilities() throws Exception {
        ModelProto m = ModelProto.parseFrom(SentencePieceTrainer.train(text, Options.of(ModelType.UNIGRAM, VOCAB)));
        double total = 0;
        float previous = 0;
        for (int id = 3; id < VOCAB; id++) {
            float s = m.getPieces(id).getScore();
            assertTrue(s < 0, "log probability: " + s);
            assertTrue(s <= previous, "sorted by score");
            previous = s;
            total += Math.exp(s);
        }
        assertTrue(total > 0.5 && total < 1.05, "probabilities sum to about one: " + total);
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void deterministic(ModelType type) throws Exception {
        byte[] a = SentencePieceTrainer.train(text, Options.of(type, VOCAB));
        byte[] b = SentencePieceTrainer.train(text, Options.of(type, VOCAB));
        assertArrayEquals(a, b);
    }

    @Test
    void sampledTrainingUsesTheLimitAndIsDeterministic() throws Exception {
        Options o = Options.of(ModelType.BPE, 600).withInputSentenceLimit(150);
        byte[] a = SentencePieceTrainer.train(text, o);
        byte[] b = SentencePieceTrainer.train(text, o);
        assertArrayEquals(a, b);
        ModelProto m = ModelProto.parseFrom(a);
        assertEquals(150, m.getTrainerSpec().getInputSentenceSize());
        byte[] full = SentencePieceTrainer.train(text, Options.of(ModelType.BPE, 600));
        assertFalse(Arrays.equals(a, full), "a sample learns from less text");
    }

    @Test
    void encodesWithDjl() throws Exception {
        byte[] bytes = SentencePieceTrainer.train(text, Options.of(ModelType.UNIGRAM, VOCAB));
        ModelProto m = ModelProto.parseFrom(bytes);
        try (SpTokenizer tok = new SpTokenizer(bytes)) {
            String s = SentencePieceNormalizer.normalize("The European Parliament  adopted\tthe resolution.");
            int[] ids = tok.getProcessor().encode(s);
            assertTrue(ids.length > 3 && ids.length < s.length());
            assertEquals(s, SpTestSupport.decode(m, ids));
            List<String> pieces = Arrays.stream(ids).mapToObj(id -> m.getPieces(id).getPiece()).toList();
            assertTrue(pieces.get(0).startsWith("\u2581"), pieces.toString());
        }
    }
}
