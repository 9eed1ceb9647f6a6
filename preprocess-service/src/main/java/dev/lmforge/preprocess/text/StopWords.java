package dev.lmforge.preprocess.text;

import dev.lmforge.common.errors.LmForgeException;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.WordlistLoader;
import org.apache.lucene.util.IOUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-language stop-word lists as Lucene ships them: the Snowball lists where Snowball has one, the
 * analyzers' own lists otherwise. Loaded once per language, then shared (read-only) across threads.
 */
@jakarta.inject.Singleton
public final class StopWords {

    private static final String SNOWBALL = "org/apache/lucene/analysis/snowball/";
    private static final String ANALYSIS = "org/apache/lucene/analysis/";

    /** ISO 639-1 code -> (resource, snowball format?). */
    private static final Map<String, String> LISTS = new TreeMap<>();

    static {
        for (String[] snowball : new String[][] {
                {"da", "danish"}, {"nl", "dutch"}, {"en", "english"}, {"fi", "finnish"}, {"fr", "french"},
                {"de", "german"}, {"hu", "hungarian"}, {"id", "indonesian"}, {"it", "italian"}, {"no", "norwegian"},
                {"nb", "norwegian"}, {"pt", "portuguese"}, {"ru", "russian"}, {"es", "spanish"}, {"sv", "swedish"}}) {
            LISTS.put(snowball[0], SNOWBALL + snowball[1] + "_stop.txt");
        }
        for (String[] plain : new String[][] {
                {"ar", "ar"}, {"bg", "bg"}, {"bn", "bn"}, {"ca", "ca"}, {"cs", "cz"}, {"el", "el"}, {"et", "et"},
                {"eu", "eu"}, {"fa", "fa"}, {"ga", "ga"}, {"gl", "gl"}, {"hi", "hi"}, {"hy", "hy"}, {"lt", "lt"},
                {"lv", "lv"}, {"ne", "ne"}, {"ro", "ro"}, {"sr", "sr"}, {"ta", "ta"}, {"te", "te"}, {"th", "th"},
                {"tr", "tr"}}) {
            LISTS.put(plain[0], ANALYSIS + plain[1] + "/stopwords.txt");
        }
    }

    private final Map<String, CharArraySet> loaded = new ConcurrentHashMap<>();

    public static Set<String> supportedLanguages() {
        return LISTS.keySet();
    }

    public static boolean supports(String language) {
        return LISTS.containsKey(language);
    }

    /** The list of a language, or an empty set when Lucene has none for it. */
    public CharArraySet forLanguage(String language) {
        String resource = LISTS.get(language.toLowerCase(Locale.ROOT));
        if (resource == null) {
            return CharArraySet.EMPTY_SET;
        }
        return loaded.computeIfAbsent(resource, StopWords::load);
    }

    public static void requireSupported(String language) {
        if (!supports(language)) {
            throw LmForgeException.invalidArgument("no stop-word list for language '%s'; lists exist for %s",
                    MessageText.shown(language), String.join(", ", LISTS.keySet()));
        }
    }

    private static CharArraySet load(String resource) {
        try (InputStream in = StopWords.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("stop-word list " + resource + " is missing from the classpath");
            }
            Reader reader = IOUtils.getDecodingReader(in, java.nio.charset.StandardCharsets.UTF_8);
            CharArraySet words = resource.startsWith(SNOWBALL)
                    ? WordlistLoader.getSnowballWordSet(reader)
                    : WordlistLoader.getWordSet(reader, "#");
            return CharArraySet.unmodifiableSet(CharArraySet.copy(words));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read stop-word list " + resource, e);
        }
    }
}
