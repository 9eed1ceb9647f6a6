package dev.lmforge.tokenizer.sentencepiece;

/**
 * SentencePiece's piece validity rules for {@code split_by_unicode_script=true},
 * {@code split_by_number=true}, {@code split_by_whitespace=true} (its defaults): a piece never
 * mixes Unicode scripts (Hiragana and Katakana count as Han; digits and punctuation are Common, so
 * they split from letters; combining marks take the script of the character before them), and the
 * whitespace mark U+2581 may only start a piece.
 *
 * <p>A piece is summarized by the first and last script it settles on ({@link #ANY} while none has:
 * the mark, or leading combining marks), so whether two pieces may join is an O(1) check.
 */
final class Scripts {

    /** No script yet: the state SentencePiece calls kAnyType. */
    static final int ANY = -1;
    /** Combining marks (Unicode script Inherited): they take the script before them. */
    static final int INHERITED = -2;

    static final int WS = 0x2581;

    private static final int HAN = Character.UnicodeScript.HAN.ordinal();
    private static final int COMMON = Character.UnicodeScript.COMMON.ordinal();

    private Scripts() {
    }

    /** The script class of a code point as SentencePiece's trainer sees it. */
    static int of(int codePoint) {
        if (codePoint == 0x30FC) {
            return HAN;
        }
        Character.UnicodeScript s;
        try {
            s = Character.UnicodeScript.of(codePoint);
        } catch (IllegalArgumentException e) {
            return COMMON;
        }
        switch (s) {
            case HIRAGANA:
            case KATAKANA:
                return HAN;
            case INHERITED:
                return INHERITED;
            case UNKNOWN:
                return COMMON;
            default:
                return s.ordinal();
        }
    }

    /** Whether two settled states may meet in one piece. */
    static boolean compatible(int lastOfLeft, int firstOfRight) {
        return lastOfLeft == ANY || firstOfRight == ANY || lastOfLeft == firstOfRight;
    }

    /**
     * Whether a sequence of code points is a valid piece (length, whitespace only in front, one
     * script), mirroring SentencePiece's TrainerInterface::IsValidSentencePiece.
     */
    static boolean validPiece(int[] codePoints, int from, int to, int maxLength) {
        int n = to - from;
        if (n <= 0 || n > maxLength) {
            return false;
        }
        int prev = ANY;
        for (int i = from; i < to; i++) {
            int c = codePoints[i];
            if (c == 0 || c == ' ' || c == '\t') {
                return false;
            }
            if (c == WS) {
                if (i > from) {
                    return false;
                }
                continue;
            }
            int s = of(c);
            if (s == INHERITED) {
                s = prev;
            }
            if (s != ANY && prev != ANY && s != prev) {
                return false;
            }
            prev = s;
        }
        return true;
    }
}
