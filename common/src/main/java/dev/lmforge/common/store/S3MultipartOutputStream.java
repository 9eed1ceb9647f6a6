package dev.lmforge.common.store;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams an object of unknown size into S3 holding one part in memory: a single PUT when it stays
 * under one part, a multipart upload otherwise. Nothing becomes visible until {@link #close()}
 * succeeds; {@link #abort()} discards what was sent.
 */
public final class S3MultipartOutputStream extends AbortableOutputStream {

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String contentType;
    private final byte[] buffer;
    private int filled;
    private String uploadId;
    private final List<CompletedPart> parts = new ArrayList<>();
    private long written;
    private boolean closed;

    S3MultipartOutputStream(S3Client s3, String bucket, String key, String contentType, int partSize) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.contentType = contentType;
        this.buffer = new byte[partSize];
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (filled == buffer.length) {
            flushPart();
        }
        buffer[filled++] = (byte) b;
        written++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        while (len > 0) {
            if (filled == buffer.length) {
                flushPart();
            }
            int n = Math.min(len, buffer.length - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
            written += n;
        }
    }

    /** Bytes written so far. */
    public long size() {
        return written;
    }

    private void flushPart() throws IOException {
        try {
            if (uploadId == null) {
                uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key).contentType(contentType)).uploadId();
            }
            int partNumber = parts.size() + 1;
            String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(partNumber),
                    pendingBody()).eTag();
            parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
            filled = 0;
        } catch (RuntimeException e) {
            abort();
            throw ArtifactStore.translate("writing " + key, e);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (uploadId == null) {
                s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType),
                        pendingBody());
            } else {
                if (filled > 0) {
                    flushPart();
                }
                s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                        .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()));
            }
            closed = true;
        } catch (RuntimeException e) {
            abort();
            throw ArtifactStore.translate("writing " + key, e);
        }
    }

    private RequestBody pendingBody() {
        // No copy of the part: the SDK reads it once, and marks/resets the stream for a retry.
        return RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, filled), filled);
    }

    /** Discards the object: a multipart upload is aborted, a pending single PUT never happens. */
    @Override
    public void abort() {
        if (closed) {
            return;
        }
        closed = true;
        if (uploadId != null) {
            try {
                s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
            } catch (RuntimeException ignored) {
                // The upload expires by the bucket's lifecycle rule; nothing was made visible.
            }
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("stream to s3://" + bucket + "/" + key + " is closed");
        }
    }
}
