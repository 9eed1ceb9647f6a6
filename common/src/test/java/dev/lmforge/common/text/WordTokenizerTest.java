package dev.lmforge.common.text;

import dev.lmforge.common.errors.LmForgeException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordTokenizerTest {

    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        WordTokenizer.split(line, out::add);
        return out;
    }

    @Test
    void splitsWordsPunctuationNumbersAndPlaceholders() {
        assertEquals(List.of("The", "committee's", "report", ",", "adopted", "12.5", "%", "(", "e-mail", "<num>", ")", "."),
                split("The committee's report, adopted 12.5% (e-mail <num>)."));
        assertEquals(List.of("naïve", "café", "–", "Ελλάδα", "!"), split("naïve café – Ελλάδα!"));
        assertEquals(List.of("<", "b", ">"), split("< b >"));
    }

    @Test
    void keepsTheMostFrequentWordsAndMapsTheRestToUnk() throws Exception {
        Path text = Files.createTempFile("words", ".txt");
        Files.writeString(text, "the cat sat on the mat\nthe dog sat\nrare words here\n", StandardCharsets.UTF_8);
        WordTokenizer t = WordTokenizer.train(text, 5, 1);
        assertEquals(5, t.vocabSize());
        assertEquals(List.of("<unk>", "<eos>", "the", "sat", "cat"), List.of(t.piece(0), t.piece(1), t.piece(2), t.piece(3), t.piece(4)));
        assertArrayEquals(new int[] {2, 4, 3, 0}, t.encode("the cat sat down"));
        assertEquals("the cat sat <unk>\nthe", t.decode(new int[] {2, 4, 3, 0, 1, 2}));

        WordTokenizer reloaded = WordTokenizer.load(t.serialize());
        assertArrayEquals(t.encode("the dog sat on the mat"), reloaded.encode("the dog sat on the mat"));
    }

    @Test
    void minCountAndVocabularySizeAreChecked() throws Exception {
        Path text = Files.createTempFile("words", ".txt");
        Files.writeString(text, "a a a b b c\n", StandardCharsets.UTF_8);
        var tooLarge = assertThrows(LmForgeException.class, () -> WordTokenizer.train(text, 10, 1));
        assertTrue(tooLarge.getMessage().contains("use vocab_size <= 5"), tooLarge.getMessage());
        var withMinCount = assertThrows(LmForgeException.class, () -> WordTokenizer.train(text, 5, 2));
        assertTrue(withMinCount.getMessage().contains("use vocab_size <= 4"), withMinCount.getMessage());
        assertThrows(LmForgeException.class, () -> WordTokenizer.train(text, 2, 1));
    }

    @Test
    void allWordsKeepsEveryWordSeenMinCountTimes() throws Exception {
        Path text = Files.createTempFile("words", ".txt");
        Files.writeString(text, "a a a b b c\n", StandardCharsets.UTF_8);
        assertEquals(List.of("<unk>", "<eos>", "a", "b", "c"), pieces(WordTokenizer.train(text, WordTokenizer.ALL_WORDS, 1)));
        assertEquals(List.of("<unk>", "<eos>", "a", "b"), pieces(WordTokenizer.train(text, WordTokenizer.ALL_WORDS, 2)));
        var none = assertThrows(LmForgeException.class, () -> WordTokenizer.train(text, WordTokenizer.ALL_WORDS, 4));
        assertTrue(none.getMessage().contains("no word seen at least 4 time(s)"), none.getMessage());
    }

    private static List<String> pieces(WordTokenizer t) {
        return java.util.stream.IntStream.range(0, t.vocabSize()).mapToObj(t::piece).toList();
    }
}
