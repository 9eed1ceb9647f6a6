package dev.lmforge.preprocess.service;

import java.util.function.Consumer;

/**
 * What counts as a word for statistics and stop-word removal: a space-separated token stripped of
 * the punctuation around it, holding at least one letter or digit ("don't", "e-mail", "2004").
 */
public final class Words {

    private Words() {
    }

    /** Calls {@code action} with the core of every word of a cleaned (single-spaced) line. */
    public static void forEach(String line, Consumer<String> action) {
        int n = line.length();
        int start = 0;
        while (start < n) {
            int end = line.indexOf(' ', start);
            if (end < 0) {
                end = n;
            }
            int coreStart = coreStart(line, start, end);
            int coreEnd = coreEnd(line, coreStart, end);
            if (coreStart < coreEnd) {
                action.accept(line.substring(coreStart, coreEnd));
            }
            start = end + 1;
        }
    }

    static int coreStart(String s, int from, int to) {
        int i = from;
        while (i < to) {
            int cp = s.codePointAt(i);
            if (Character.isLetterOrDigit(cp) || cp == '<') {
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
            if (Character.isLetterOrDigit(cp) || cp == '>' || Character.getType(cp) == Character.NON_SPACING_MARK) {
                return i;
            }
            i -= Character.charCount(cp);
        }
        return from;
    }
}
