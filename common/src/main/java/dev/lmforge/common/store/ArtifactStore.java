package dev.lmforge.common.store;

import dev.lmforge.common.errors.LmForgeException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The platform's artifacts in one S3 bucket under a configurable root prefix. S3 is the system of
 * record: every service rebuilds its state from here.
 *
 * <p>Publish pattern: a set of artifacts under a prefix counts as complete only once its marker
 * object (a manifest such as {@value #MANIFEST}) exists, and the marker is always written last.
 * Readers look at markers only, so a half-written corpus, dataset or model is never taken for a
 * complete one.
 */
public class ArtifactStore {

    public static final String MANIFEST = "manifest.json";
    static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String root;
    private final String endpoint;
    private final int partSize;

    public ArtifactStore(S3Client s3, String bucket, String rootPrefix, String endpoint) {
        this(s3, bucket, rootPrefix, endpoint, DEFAULT_PART_SIZE);
    }

    ArtifactStore(S3Client s3, String bucket, String rootPrefix, String endpoint, int partSize) {
        this.s3 = s3;
        this.bucket = bucket;
        this.root = normalisePrefix(rootPrefix);
        this.endpoint = endpoint;
        this.partSize = partSize;
    }

    public String bucket() {
        return bucket;
    }

    /** The full key of a path relative to the root prefix. */
    public String key(String path) {
        return root + path;
    }

    public S3Uri uri(String path) {
        return new S3Uri(bucket, key(path));
    }

    /** Creates the bucket when it does not exist yet (local installs; production buckets pre-exist). */
    public void ensureBucket() {
        call("checking bucket " + bucket, () -> {
            try {
                s3.headBucket(r -> r.bucket(bucket));
            } catch (NoSuchBucketException e) {
                s3.createBucket(r -> r.bucket(bucket));
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
                s3.createBucket(r -> r.bucket(bucket));
            }
            return null;
        });
    }

    /** Throws UNAVAILABLE unless the bucket answers. */
    public void ping() {
        call("reaching bucket " + bucket, () -> s3.headBucket(r -> r.bucket(bucket)));
    }

    /** A stream that becomes the object at {@code path} when closed; {@code abort()} discards it. */
    public S3MultipartOutputStream create(String path, String contentType) {
        return new S3MultipartOutputStream(s3, bucket, key(path), contentType, partSize);
    }

    public void put(String path, byte[] data, String contentType) {
        put(path, data, contentType, Map.of());
    }

    /** An object with user metadata (S3 keeps its names in lower case). */
    public void put(String path, byte[] data, String contentType, Map<String, String> metadata) {
        call("writing " + key(path), () -> s3.putObject(r -> r.bucket(bucket).key(key(path)).contentType(contentType).metadata(metadata),
                RequestBody.fromBytes(data)));
    }

    public InputStream open(String path) {
        return open(uri(path));
    }

    public InputStream open(S3Uri uri) {
        return call("reading " + uri, () -> {
            try {
                return s3.getObject(r -> r.bucket(uri.bucket()).key(uri.key()));
            } catch (NoSuchKeyException e) {
                throw LmForgeException.notFound("%s does not exist", uri);
            }
        });
    }

    /** Copies every object under a prefix into a directory, keeping the paths below the prefix. */
    public void download(String prefix, Path into) {
        for (StoredObject o : list(prefix)) {
            Path target = into.resolve(o.key().substring(prefix.length()));
            try (InputStream in = open(o.key())) {
                Files.createDirectories(target.getParent());
                Files.copy(in, target);
            } catch (IOException e) {
                throw new UncheckedIOException("downloading " + o.key() + " failed", e);
            }
        }
    }

    public Optional<byte[]> read(String path) {
        return call("reading " + key(path), () -> {
            try {
                return Optional.of(s3.getObjectAsBytes(r -> r.bucket(bucket).key(key(path))).asByteArray());
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    /** An object with its user metadata. */
    public Optional<StoredBytes> readWithMetadata(String path) {
        return call("reading " + key(path), () -> {
            try {
                var object = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key(path)));
                return Optional.of(new StoredBytes(object.asByteArray(), object.response().metadata()));
            } catch (NoSuchKeyException e) {
                return Optional.empty();
            }
        });
    }

    public boolean exists(String path) {
        return call("checking " + key(path), () -> {
            try {
                s3.headObject(r -> r.bucket(bucket).key(key(path)));
                return true;
            } catch (NoSuchKeyException e) {
                return false;
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** True if any object lies under the prefix. */
    public boolean hasAny(String pathPrefix) {
        return call("listing " + key(pathPrefix),
                () -> s3.listObjectsV2(r -> r.bucket(bucket).prefix(key(pathPrefix)).maxKeys(1)).keyCount() > 0);
    }

    /** Every object under a prefix of the platform's bucket, keys relative to the root. */
    public List<StoredObject> list(String pathPrefix) {
        List<StoredObject> all = new ArrayList<>();
        for (StoredObject o : list(uri(pathPrefix))) {
            all.add(new StoredObject(o.key().substring(root.length()), o.size()));
        }
        return all;
    }

    /**
     * At most {@code limit} (up to 1000) objects under a prefix, in key order, after the path
     * {@code startAfter} (exclusive; null for the first page); keys relative to the root.
     */
    public List<StoredObject> list(String pathPrefix, String startAfter, int limit) {
        return call("listing " + key(pathPrefix), () -> {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(key(pathPrefix)).maxKeys(limit);
            if (startAfter != null) {
                request.startAfter(key(startAfter));
            }
            List<StoredObject> page = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2(request.build()).contents()) {
                page.add(new StoredObject(o.key().substring(root.length()), o.size()));
            }
            return page;
        });
    }

    /** How many objects lie under a prefix, counted page by page without holding them. */
    public long count(String pathPrefix) {
        return call("listing " + key(pathPrefix),
                () -> s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(key(pathPrefix))).contents().stream().count());
    }

    /** Every object under any S3 prefix reachable with the platform's credentials, full keys. */
    public List<StoredObject> list(S3Uri prefix) {
        return call("listing " + prefix, () -> {
            List<StoredObject> all = new ArrayList<>();
            try {
                for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(prefix.bucket()).prefix(prefix.key())).contents()) {
                    all.add(new StoredObject(o.key(), o.size()));
                }
            } catch (NoSuchBucketException e) {
                throw LmForgeException.notFound("bucket %s does not exist", prefix.bucket());
            }
            return all;
        });
    }

    /**
     * The names of the published children of a prefix (those with a manifest), in key order, after
     * the child {@code startAfter} (exclusive; null or empty for the first page), at most {@code limit}.
     */
    public Page publishedChildren(String parentPrefix, String marker, String startAfter, int limit) {
        String parent = key(normalisePrefix(parentPrefix));
        return call("listing " + parent, () -> {
            List<String> names = new ArrayList<>();
            ListObjectsV2Request.Builder first = ListObjectsV2Request.builder().bucket(bucket).prefix(parent).delimiter("/");
            if (startAfter != null && !startAfter.isEmpty()) {
                // '0' follows '/', so this skips every key under "<startAfter>/" and nothing else.
                first.startAfter(parent + startAfter + "0");
            }
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(first.build())) {
                for (var common : page.commonPrefixes()) {
                    String child = common.prefix().substring(parent.length(), common.prefix().length() - 1);
                    if (!exists(normalisePrefix(parentPrefix) + child + "/" + marker)) {
                        continue;
                    }
                    if (names.size() == limit) {
                        return new Page(names, names.get(limit - 1));
                    }
                    names.add(child);
                }
            }
            return new Page(names, null);
        });
    }

    /** The names of the "directories" right under a prefix (published or not), in key order. */
    public List<String> childNames(String parentPrefix) {
        String parent = key(normalisePrefix(parentPrefix));
        return call("listing " + parent, () -> {
            List<String> names = new ArrayList<>();
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(parent).delimiter("/"))) {
                for (var common : page.commonPrefixes()) {
                    names.add(common.prefix().substring(parent.length(), common.prefix().length() - 1));
                }
            }
            return names;
        });
    }

    /** Every published child of a prefix, in key order: {@link #publishedChildren} page after page. */
    public List<String> allPublishedChildren(String parentPrefix, String marker) {
        List<String> names = new ArrayList<>();
        String after = null;
        do {
            Page page = publishedChildren(parentPrefix, marker, after, 500);
            names.addAll(page.names());
            after = page.nextStartAfter();
        } while (after != null);
        return names;
    }

    /** Marks the artifacts under {@code prefix} complete by writing their marker (JSON) last. */
    public void publish(String prefix, String marker, byte[] content) {
        put(normalisePrefix(prefix) + marker, content, "application/json");
    }

    public void delete(String path) {
        call("deleting " + key(path), () -> s3.deleteObject(r -> r.bucket(bucket).key(key(path))));
    }

    /** Removes the marker first, so the rest never looks complete while it is being deleted. */
    public int deletePrefix(String prefix, String marker) {
        String p = normalisePrefix(prefix);
        List<StoredObject> objects = list(p);
        if (objects.isEmpty()) {
            return 0;
        }
        call("deleting " + key(p), () -> s3.deleteObject(r -> r.bucket(bucket).key(key(p + marker))));
        for (int i = 0; i < objects.size(); i += 1000) {
            List<ObjectIdentifier> ids = objects.subList(i, Math.min(objects.size(), i + 1000)).stream()
                    .map(o -> ObjectIdentifier.builder().key(key(o.key())).build()).toList();
            call("deleting " + key(p), () -> s3.deleteObjects(r -> r.bucket(bucket).delete(Delete.builder().objects(ids).build())));
        }
        return objects.size();
    }

    public record StoredObject(String key, long size) {
    }

    public record StoredBytes(byte[] data, Map<String, String> metadata) {
    }

    public record Page(List<String> names, String nextStartAfter) {
    }

    private <T> T call(String what, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw translate(what, e, endpoint);
        }
    }

    static RuntimeException translate(String what, RuntimeException e) {
        return translate(what, e, null);
    }

    static RuntimeException translate(String what, RuntimeException e, String endpoint) {
        if (e instanceof LmForgeException) {
            return e;
        }
        if (e instanceof SdkClientException) {
            return LmForgeException.unavailable("S3" + (endpoint == null ? "" : " at " + endpoint)
                    + " is unreachable while " + what + ": " + e.getMessage(), e);
        }
        if (e instanceof S3Exception s3e && s3e.statusCode() >= 500) {
            return LmForgeException.unavailable("S3 failed while " + what + ": " + s3e.getMessage(), e);
        }
        if (e instanceof UncheckedIOException) {
            return LmForgeException.unavailable("S3 connection broke while " + what + ": " + e.getMessage(), e);
        }
        return e;
    }

    static String normalisePrefix(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return "";
        }
        return prefix.endsWith("/") ? prefix : prefix + "/";
    }
}
