package dev.lmforge.common.store;

import dev.lmforge.common.errors.LmForgeException;

/** An {@code s3://bucket/key} address. */
public record S3Uri(String bucket, String key) {

    public static S3Uri parse(String uri) {
        if (uri == null || !uri.startsWith("s3://")) {
            throw LmForgeException.invalidArgument("'%s' is not an S3 URI: expected s3://bucket/prefix", uri);
        }
        String rest = uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw LmForgeException.invalidArgument("'%s' names no bucket: expected s3://bucket/prefix", uri);
        }
        return new S3Uri(bucket, key);
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
