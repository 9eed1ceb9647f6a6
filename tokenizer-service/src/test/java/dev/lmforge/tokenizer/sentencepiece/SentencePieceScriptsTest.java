package dev.lmforge.tokenizer.sentencepiece;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Piece validity as spm_train's defaults define it (split by script, by number, by whitespace). */
class SentencePieceScriptsTest {

    private static boolean valid(String piece) {
        int[] cps = piece.codePoints().toArray();
        return Scripts.validPiece(cps, 0, cps.length, 16);
    }

    @Test
    void oneScriptPerPiece() {
        assertTrue(valid("▁the"));
        assertTrue(valid("▁Ελλάδα"));
        assertTrue(valid("ing"));
        assertFalse(valid("aβ"), "Latin and Greek");
        assertFalse(valid("a1"), "digits split from letters");
        assertFalse(valid("a."), "punctuation splits from letters");
        assertTrue(valid("1,000"), "digits and punctuation are both Common");
        assertTrue(valid("漢字かなカナー"), "Hiragana, Katakana and the long vowel mark count as Han");
        assertTrue(valid("e\u0301t\u0301"), "combining marks take the script before them");
        assertFalse(valid("\u0301a\u0301β"), "a leading combining mark settles nothing, the rest must agree");
    }

    @Test
    void whitespaceOnlyInFront() {
        assertTrue(valid("▁"));
        assertTrue(valid("▁a"));
        assertFalse(valid("a▁"));
        assertFalse(valid("▁▁"));
        assertFalse(valid("a b"));
    }

    @Test
    void length() {
        assertTrue(valid("abcdefghijklmnop"));
        assertFalse(valid("abcdefghijklmnopq"));
        assertTrue(valid("😀"));
    }
}
