package dev.lmforge.common.store;

import dev.lmforge.common.errors.LmForgeException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S3UriTest {

    @Test
    void parsesBucketAndKey() {
        assertEquals(new S3Uri("lmforge", "corpora/europarl/train.txt"), S3Uri.parse("s3://lmforge/corpora/europarl/train.txt"));
        assertEquals(new S3Uri("lmforge", "imports/raw/"), S3Uri.parse("s3://lmforge/imports/raw/"));
        assertEquals(new S3Uri("my.data-bucket-1", ""), S3Uri.parse("s3://my.data-bucket-1"));
        assertEquals(new S3Uri("abc", ""), S3Uri.parse("s3://abc/"));
        assertEquals(new S3Uri("lmforge", "a..b/.hidden/x..."), S3Uri.parse("s3://lmforge/a..b/.hidden/x..."));
        assertEquals(new S3Uri("lmforge", "texte/été.txt"), S3Uri.parse("s3://lmforge/texte/été.txt"));
        assertEquals("s3://lmforge/a/b", S3Uri.parse("s3://lmforge/a/b").toString());
    }

    @Test
    void rejectsWhatIsNoS3Uri() {
        for (String bad : new String[] {null, "", "lmforge/x", "S3://lmforge/x", "s3:/lmforge/x", "https://lmforge/x"}) {
            assertTrue(rejected(bad).contains("is not an S3 URI"), String.valueOf(bad));
        }
    }

    @Test
    void rejectsDotSegments() {
        for (String bad : new String[] {"s3://lmforge/../x/", "s3://lmforge/a/../b", "s3://lmforge/a/..", "s3://lmforge/./a",
                "s3://lmforge/a/./b", "s3://lmforge/a/.", "s3://lmforge/../"}) {
            assertTrue(rejected(bad).contains("path segment"), bad);
        }
    }

    @Test
    void rejectsEmptySegments() {
        for (String bad : new String[] {"s3://lmforge//x", "s3://lmforge/a//b", "s3://lmforge/a//", "s3://lmforge//"}) {
            assertTrue(rejected(bad).contains("empty path segment"), bad);
        }
    }

    @Test
    void rejectsControlCharacters() {
        for (String bad : new String[] {"s3://lmforge/a\0b", "s3://lmforge/a\nb", "s3://lmforge/a\tb", "s3://lmforge/a\u007fb",
                "s3://lmforge/a\u0085b", "s3://lm\0forge/a", "s3://lmforge/a\r"}) {
            String message = rejected(bad);
            assertTrue(message.contains("control character"), message);
            assertTrue(message.chars().noneMatch(Character::isISOControl), "the message shows the character escaped: " + message);
        }
    }

    @Test
    void rejectsMissingBucket() {
        for (String bad : new String[] {"s3://", "s3:///x", "s3:///"}) {
            assertTrue(rejected(bad).contains("no bucket"), bad);
        }
    }

    @Test
    void rejectsInvalidBucketNames() {
        for (String bad : new String[] {"s3://../x", "s3://./x", "s3://..", "s3://ab/x", "s3://" + "b".repeat(64) + "/x",
                "s3://LmForge/x", "s3://lm_forge/x", "s3://-lmforge/x", "s3://lmforge-/x", "s3://.lmforge/x", "s3://lmforge./x",
                "s3://lm..forge/x", "s3://lm forge/x", "s3://lmförge/x", "s3://lmforge:9000/x"}) {
            assertTrue(rejected(bad).contains("not a valid bucket name"), bad);
        }
        assertEquals("b".repeat(63), S3Uri.parse("s3://" + "b".repeat(63) + "/x").bucket());
        assertEquals("a-b", S3Uri.parse("s3://a-b/x").bucket());
    }

    @Test
    void rejectsKeysLongerThanS3Allows() {
        assertEquals(1024, S3Uri.parse("s3://lmforge/" + "k".repeat(1024)).key().length());
        assertTrue(rejected("s3://lmforge/" + "k".repeat(1025)).contains("longer than 1024 bytes"));
        // The limit counts UTF-8 bytes: 513 two-byte characters are 1026 bytes.
        assertTrue(rejected("s3://lmforge/" + "é".repeat(513)).contains("longer than 1024 bytes"));
    }

    @Test
    void abbreviatesLongUrisInMessages() {
        String message = rejected("s3://lmforge/" + "k".repeat(5000));
        assertTrue(message.length() < 400, message);
    }

    private static String rejected(String uri) {
        var e = assertThrows(LmForgeException.class, () -> S3Uri.parse(uri), String.valueOf(uri));
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, e.kind(), uri);
        return e.getMessage();
    }
}
