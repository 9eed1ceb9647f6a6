package dev.lmforge.preprocess.text;

import dev.lmforge.api.v1.CleaningOptions;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Normalises one line of text: Unicode NFKC, every kind of space and line separator to one space,
 * control and format characters removed, optional folding of URLs, e-mail addresses and numbers to
 * placeholder tokens, optional lowercasing. Stateless and thread-safe.
 */
public final class TextCleaner {

    public static final String URL_TOKEN = "<url>";
    public static final String EMAIL_TOKEN = "<email>";
    public static final String NUMBER_TOKEN = "<num>";

    private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?://|ftp://|www\\.)[^\\s<>\"]+[^\\s<>\".,;:!?)\\]'’]");
    private static final Pattern EMAIL = Pattern.compile("(?U)\\b[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+\\b");
    private static final Pattern NUMBER = Pattern.compile("(?U)(?<![\\w<])\\d+(?:[.,:/]\\d+)*(?![\\w>])");

    private final boolean lowercase;
    private final boolean foldUrls;
    private final boolean foldEmails;
    private final boolean foldNumbers;

    public TextCleaner(CleaningOptions options) {
        this.lowercase = options.getLowercase();
        this.foldUrls = options.getFoldUrls();
        this.foldEmails = options.getFoldEmails();
        this.foldNumbers = options.getFoldNumbers();
    }

    public String clean(String line) {
        String s = Normalizer.isNormalized(line, Normalizer.Form.NFKC) ? line : Normalizer.normalize(line, Normalizer.Form.NFKC);
        s = normaliseSpaceAndControls(s);
        if (s.isEmpty()) {
            return s;
        }
        // Each pattern runs only where a cheap test says it can match: most lines have no URL or address.
        if (foldUrls && (s.contains("://") || s.contains("www.") || s.contains("WWW."))) {
            s = URL.matcher(s).replaceAll(URL_TOKEN);
        }
        if (foldEmails && s.indexOf('@') >= 0) {
            s = EMAIL.matcher(s).replaceAll(EMAIL_TOKEN);
        }
        if (foldNumbers && hasDigit(s)) {
            s = NUMBER.matcher(s).replaceAll(NUMBER_TOKEN);
        }
        return lowercase ? s.toLowerCase(Locale.ROOT) : s;
    }

    private static boolean hasDigit(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Tabs, line and paragraph separators, no-break and other spaces, and zero-width spaces become
     * one ASCII space; other control and format characters go, except the zero-width (non-)joiners
     * that some scripts need; runs of spaces collapse; ends are trimmed.
     */
    static String normaliseSpaceAndControls(String s) {
        if (isClean(s)) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        boolean pendingSpace = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            int kind = classify(cp);
            if (kind == SPACE || cp == ' ') {
                pendingSpace = out.length() > 0;
            } else if (kind == KEEP) {
                if (pendingSpace) {
                    out.append(' ');
                    pendingSpace = false;
                }
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }

    /** True when the line has nothing to change: the common case, checked without allocating. */
    private static boolean isClean(String s) {
        int n = s.length();
        if (n > 0 && (s.charAt(0) == ' ' || s.charAt(n - 1) == ' ')) {
            return false;
        }
        for (int i = 0; i < n; ) {
            int cp = s.codePointAt(i);
            if (classify(cp) != KEEP || (cp == ' ' && s.charAt(i + 1) == ' ')) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    private static final int KEEP = 0;
    private static final int SPACE = 1;
    private static final int DROP = 2;

    private static int classify(int cp) {
        if (cp > ' ' && cp < 0x7F) {
            return KEEP;
        }
        if (cp == ' ') {
            return KEEP;
        }
        if (cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C || cp == 0x85 || cp == 0x200B) {
            return SPACE;
        }
        if (cp == 0x200C || cp == 0x200D) {
            return KEEP;
        }
        switch (Character.getType(cp)) {
            case Character.SPACE_SEPARATOR:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
                return SPACE;
            case Character.CONTROL:
            case Character.FORMAT:
            case Character.PRIVATE_USE:
            case Character.SURROGATE:
            case Character.UNASSIGNED:
                return DROP;
            default:
                return KEEP;
        }
    }
}
