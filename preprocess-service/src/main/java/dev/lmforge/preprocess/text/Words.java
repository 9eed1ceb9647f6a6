package dev.lmforge.preprocess.text;

/**
 * What counts as a word for statistics and stop-word removal: a space-separated token stripped of
 * the punctuation around it, holding at least one letter or digit ("don't", "e-mail", "2004").
 */
public final class Words {

    private Words() {
    }

    /** Receives the bounds of each word core in a line. */
    @FunctionalInterface
    public interface SpanConsumer {
        void accept(int start, int end);
    }

    /** Receives each space-separated token and its core (empty, coreStart == coreEnd, for pure punctuation). */
    @FunctionalInterface
    public interface TokenConsumer {
        void accept(int tokenStart, int tokenEnd, int coreStart, int coreEnd);
    }

    /** Calls {@code action} with the bounds of the core of every word of a cleaned (single-spaced) line. */
    public static void forEach(String line, SpanConsumer action) {
        forEachToken(line, (tokenStart, tokenEnd, coreStart, coreEnd) -> {
            if (coreStart < coreEnd) {
                action.accept(coreStart, coreEnd);
            }
        });
    }

    public static void forEachToken(String line, TokenConsumer action) {
        int n = line.length();
        int start = 0;
        while (start < n) {
            int end = line.indexOf(' ', start);
            if (end < 0) {
                end = n;
            }
            int coreStart = coreStart(line, start, end);
            action.accept(start, end, coreStart, coreEnd(line, coreStart, end));
            start = end + 1;
        }
    }

    static int coreStart(String s, int from, int to) {
        int i = from;
        while (i < to) {
            int cp = s.codePointAt(i);
            if (cp < 0x80 ? isAsciiAlnum(cp) || cp == '<' : Character.isLetterOrDigit(cp)) {
                return i;
            }
            i += Character.charCount(cp);
        }
        return to;
    }

    static int coreEnd(String s, int from, int to) {
        int i = to;
        while (i > from) {
            int cp = s.codePointBefore(i);
            if (cp < 0x80 ? isAsciiAlnum(cp) || cp == '>'
                    : Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.NON_SPACING_MARK) {
                return i;
            }
            i -= Character.charCount(cp);
        }
        return from;
    }

    private static boolean isAsciiAlnum(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
