package dev.lmforge.inference.service;

import dev.lmforge.common.text.SentencePieceTokenizer;
import dev.lmforge.common.text.Tokenizer;
import dev.lmforge.common.text.WordTokenizer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Decoding a token at a time gives, piece by piece, exactly the text that decoding everything at
 * the end gives, for word-level and byte-fallback subword tokenizers, and never emits half a character.
 */
class IncrementalDecoderTest {

    @Test
    void wordLevelPiecesAddUpToTheWholeText() throws Exception {
        Tokenizer words = WordTokenizer.load(Files.readAllBytes(ServiceFakes.FIXTURE.resolve("tokenizer.vocab")));
        assertPiecesAddUp(words, words.encode("the european parliament"));
        assertPiecesAddUp(words, new int[0]);
    }

    @Test
    void byteFallbackPiecesAddUpAndNeverSplitACharacter() throws Exception {
        // A BPE model with byte fallback, trained by the tokenizer-service: "é", "€" and "日本" become byte pieces.
        Tokenizer bpe = SentencePieceTokenizer.load(Files.readAllBytes(Path.of("src/test/resources/tokenizers/bpe-byte-fallback.model")), "bpe");
        assertPiecesAddUp(bpe, bpe.encode("the parliament"));
        assertPiecesAddUp(bpe, new int[0]);
        int[] prompt = bpe.encode("a vote");
        int[] generated = bpe.encode(" café costs 5 € in 日本 today");
        IncrementalDecoder decoder = new IncrementalDecoder(bpe, prompt);
        StringBuilder text = new StringBuilder();
        for (int id : generated) {
            String piece = decoder.add(id);
            assertFalse(piece.indexOf('\uFFFD') >= 0, "half a character in '" + piece + "'");
            text.append(piece);
        }
        assertEquals(continuation(bpe, prompt, generated), text.toString());
    }

    private static void assertPiecesAddUp(Tokenizer codec, int[] prompt) {
        Random random = new Random(5);
        for (int run = 0; run < 50; run++) {
            int[] generated = random.ints(40, 0, codec.vocabSize()).filter(id -> id != codec.eosId()).toArray();
            IncrementalDecoder decoder = new IncrementalDecoder(codec, prompt);
            StringBuilder text = new StringBuilder();
            for (int id : generated) {
                text.append(decoder.add(id));
            }
            String whole = continuation(codec, prompt, generated);
            // Bytes that never become a character are held back: everything before them is emitted.
            assertEquals(whole.replaceAll("\uFFFD+$", ""), text.toString(), "run " + run);
        }
    }

    /** What the old way emitted in total: the decoded prompt and continuation, less the decoded prompt. */
    private static String continuation(Tokenizer codec, int[] prompt, int[] generated) {
        int[] all = Arrays.copyOf(prompt, prompt.length + generated.length);
        System.arraycopy(generated, 0, all, prompt.length, generated.length);
        return codec.decode(all).substring(codec.decode(prompt).length());
    }
}
