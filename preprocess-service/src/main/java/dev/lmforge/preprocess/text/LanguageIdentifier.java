package dev.lmforge.preprocess.text;

import com.github.pemistahl.lingua.api.IsoCode639_1;
import com.github.pemistahl.lingua.api.Language;
import com.github.pemistahl.lingua.api.LanguageDetector;
import com.github.pemistahl.lingua.api.LanguageDetectorBuilder;
import dev.lmforge.common.errors.LmForgeException;

import java.util.Locale;

/**
 * Document language with Lingua (all its 75 languages, low-accuracy mode: trigram models, accurate
 * from a sentence on). Its cost grows with the text, so only the first {@value #SAMPLE_CHARS}
 * characters of a document are examined. Thread-safe; the models load lazily, once.
 */
@jakarta.inject.Singleton
public class LanguageIdentifier {

    public static final String UNDETERMINED = "und";
    static final int SAMPLE_CHARS = 200;

    private volatile LanguageDetector detector;

    public String detect(String text) {
        String sample = text.length() <= SAMPLE_CHARS ? text : text.substring(0, SAMPLE_CHARS);
        Language language = detector().detectLanguageOf(sample);
        return language == Language.UNKNOWN ? UNDETERMINED : language.getIsoCode639_1().toString();
    }

    /** Throws INVALID_ARGUMENT unless Lingua knows the ISO 639-1 code. */
    public static String requireKnown(String code) {
        String c = code == null ? "" : code.trim().toLowerCase(Locale.ROOT);
        for (IsoCode639_1 known : IsoCode639_1.values()) {
            if (known != IsoCode639_1.NONE && known.toString().equals(c)) {
                return c;
            }
        }
        throw LmForgeException.invalidArgument(
                "unknown language code '%s': use an ISO 639-1 code such as en, de, fr", MessageText.shown(String.valueOf(code)));
    }

    private LanguageDetector detector() {
        LanguageDetector d = detector;
        if (d == null) {
            synchronized (this) {
                d = detector;
                if (d == null) {
                    d = LanguageDetectorBuilder.fromAllLanguages().withLowAccuracyMode().build();
                    detector = d;
                }
            }
        }
        return d;
    }
}
