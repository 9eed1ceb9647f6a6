package dev.lmforge.common.text;

import java.text.Normalizer;

/**
 * The text normalization of LM Forge's SentencePiece models, done in Java: the model files we write
 * carry an identity normalizer (empty precompiled charsmap), so that training, DJL and spm_encode
 * all see exactly the text this class produces.
 *
 * <p>Steps: Unicode NFKC; then the extra mappings of SentencePiece's default rule {@code nmt_nfkc}
 * ({@code \t}, {@code \r}, {@code \n} and U+200B ZERO WIDTH SPACE become a space); then
 * SentencePiece's {@code remove_extra_whitespaces} (runs of spaces collapse to one, leading and
 * trailing spaces go). The result is idempotent: {@code normalize(normalize(x)).equals(normalize(x))}.
 */
public final class SentencePieceNormalizer {

    private SentencePieceNormalizer() {
    }

    /**
     * What the platform does to text before training and before encoding: Java NFKC, then
     * nmt_nfkc's extra mappings (\t \r \n U+200B to space), then remove_extra_whitespaces (collapse
     * runs of spaces, trim). Idempotent.
     */
    public static String normalize(String text) {
        String s = text;
        if (!isAscii(s) && !Normalizer.isNormalized(s, Normalizer.Form.NFKC)) {
            s = Normalizer.normalize(s, Normalizer.Form.NFKC);
        }
        return squeezeSpaces(s);
    }

    /** Maps the nmt_nfkc whitespace characters to a space, collapses runs of spaces and trims. */
    static String squeezeSpaces(String s) {
        int n = s.length();
        // Fast path: nothing to change.
        boolean clean = n == 0 || (!isSpace(s.charAt(0)) && !isSpace(s.charAt(n - 1)));
        if (clean) {
            char prev = 'x';
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c == '\t' || c == '\r' || c == '\n' || c == '\u200B' || (c == ' ' && prev == ' ')) {
                    clean = false;
                    break;
                }
                prev = c;
            }
        }
        if (clean) {
            return s;
        }
        StringBuilder b = new StringBuilder(n);
        boolean pendingSpace = false;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (isSpace(c)) {
                pendingSpace = b.length() > 0;
            } else {
                if (pendingSpace) {
                    b.append(' ');
                    pendingSpace = false;
                }
                b.append(c);
            }
        }
        return b.toString();
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\u200B';
    }

    private static boolean isAscii(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
