package dev.lmforge.common.store;

import dev.lmforge.common.errors.LmForgeException;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** An {@code s3://bucket/key} address. */
public record S3Uri(String bucket, String key) {

    /** S3's limit on the UTF-8 length of a key. */
    public static final int MAX_KEY_BYTES = 1024;
    // S3's bucket naming rules: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    /**
     * Parses a URI that a user gave. Anything S3 would refuse or read differently fails here with
     * INVALID_ARGUMENT, before any S3 call: S3 has no {@code ..} and would take it literally, or
     * answer with an error that reads as an internal failure.
     */
    public static S3Uri parse(String uri) {
        if (uri == null || !uri.startsWith("s3://")) {
            throw LmForgeException.invalidArgument("'%s' is not an S3 URI: expected s3://bucket/prefix", printable(uri));
        }
        for (int i = 0; i < uri.length(); i++) {
            if (Character.isISOControl(uri.charAt(i))) {
                throw invalid(uri, String.format("control character U+%04X at position %d", (int) uri.charAt(i), i));
            }
        }
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw invalid(uri, "no bucket");
        }
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw invalid(uri, "bucket '" + bucket + "' is not a valid bucket name (3-63 lowercase letters, digits, dots and hyphens,"
                    + " starting and ending with a letter or digit)");
        }
        requireValidKey(uri, key);
        return new S3Uri(bucket, key);
    }

    private static void requireValidKey(String uri, String key) {
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw invalid(uri, "the key is longer than " + MAX_KEY_BYTES + " bytes");
        }
        if (key.isEmpty()) {
            return;
        }
        // A trailing '/' marks a prefix; every segment before it must be a name.
        String path = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                throw invalid(uri, "an empty path segment ('//')");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw invalid(uri, "a '" + segment + "' path segment");
            }
        }
    }

    private static LmForgeException invalid(String uri, String problem) {
        return LmForgeException.invalidArgument("'%s' is not a valid S3 URI: %s; expected s3://bucket/prefix", printable(uri), problem);
    }

    /** The URI as it can be shown in a message: control characters escaped, at most 200 characters. */
    private static String printable(String uri) {
        if (uri == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        for (char c : uri.substring(0, Math.min(uri.length(), 200)).toCharArray()) {
            out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return uri.length() > 200 ? out.append("...").toString() : out.toString();
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
