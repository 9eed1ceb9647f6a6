package dev.lmforge.common.naming;

import dev.lmforge.common.errors.LmForgeException;

import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Names of corpora, datasets and jobs follow SageMaker's rules, which also make them safe as S3 key
 * segments, Kafka keys and Kubernetes labels: letters, digits and hyphens, starting and ending with a
 * letter or digit, at most 63 characters.
 */
public final class ResourceNames {

    public static final int MAX_LENGTH = 63;
    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9])*");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ResourceNames() {
    }

    public static boolean isValid(String name) {
        return name != null && !name.isEmpty() && name.length() <= MAX_LENGTH && VALID.matcher(name).matches();
    }

    /** Returns the name, or throws INVALID_ARGUMENT saying what a valid one looks like. */
    public static String requireValid(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw LmForgeException.invalidArgument("%s is required", what);
        }
        if (!isValid(name)) {
            throw LmForgeException.invalidArgument(
                    "%s '%s' is invalid: use 1-%d letters, digits and hyphens, starting and ending with a letter or digit",
                    what, abbreviate(name), MAX_LENGTH);
        }
        return name;
    }

    /** A readable, time-ordered, unique-enough name such as {@code corpus-20261128-035512-a3f9}. */
    public static String generate(String prefix) {
        String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(STAMP);
        String name = String.format("%s-%s-%04x", prefix, stamp, RANDOM.nextInt(0x10000));
        return requireValid("generated name", name);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
