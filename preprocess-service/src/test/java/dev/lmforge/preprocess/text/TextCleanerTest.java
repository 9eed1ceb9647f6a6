package dev.lmforge.preprocess.text;

import dev.lmforge.api.v1.CleaningOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextCleanerTest {

    private final TextCleaner plain = new TextCleaner(CleaningOptions.getDefaultInstance());

    @Test
    void appliesNfkcAndNormalisesSpacesAndControls() {
        assertEquals("file", plain.clean("\ufb01le"));
        assertEquals("a b c", plain.clean("  a\tb\u00a0\u00a0c\r "));
        assertEquals("zero width", plain.clean("zero\u200bwidth"));
        assertEquals("bell gone", plain.clean("bell\u0007 gone\u00ad"));
        assertEquals("x2", plain.clean("x²"));
        assertEquals("", plain.clean(" \t "));
    }

    @Test
    void keepsTextThatIsAlreadyClean() {
        String s = "Resumption of the session, 17 December 1999.";
        assertEquals(s, plain.clean(s));
    }

    @Test
    void foldsUrlsEmailsAndNumbersWhenAsked() {
        TextCleaner folding = new TextCleaner(CleaningOptions.newBuilder()
                .setFoldUrls(true).setFoldEmails(true).setFoldNumbers(true).setLowercase(true).build());
        assertEquals("see <url>, write to <email> by <num> or <num>.",
                folding.clean("See https://europa.eu/x?y=1, write to Jane.Doe@ep.europa.eu by 31.12.2004 or 2,500."));
    }
}
