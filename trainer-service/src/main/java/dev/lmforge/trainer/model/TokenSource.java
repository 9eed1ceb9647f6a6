package dev.lmforge.trainer.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A token stream with random access, the input of {@link TokenWindows}. Either an {@code int[]} in
 * memory ({@link #of(int[])}: 4 bytes per token, so 100M tokens = 400 MB of heap) or int32
 * little-endian shard files read on demand ({@link #ofShards(List)}: constant memory, one positional
 * read per stream and window — what the service uses after downloading a split's shards from S3).
 */
public interface TokenSource extends AutoCloseable {

    /** Number of tokens. */
    long length();

    /** Copies tokens {@code [offset, offset + count)} into {@code dst[dstOffset ...]}. */
    void read(long offset, int[] dst, int dstOffset, int count);

    @Override
    default void close() {
    }

    static TokenSource of(int[] tokens) {
        return new TokenSource() {
            @Override
            public long length() {
                return tokens.length;
            }

            @Override
            public void read(long offset, int[] dst, int dstOffset, int count) {
                System.arraycopy(tokens, Math.toIntExact(offset), dst, dstOffset, count);
            }
        };
    }

    /**
     * The concatenation of int32 little-endian files (e.g. {@code train-0.bin, train-1.bin, …} in
     * order). Files stay open until {@link #close()}; reads are positional, so windows may be read in
     * any order.
     */
    static TokenSource ofShards(List<Path> files) {
        return new ShardSource(files);
    }

    final class ShardSource implements TokenSource {
        private final List<FileChannel> channels = new ArrayList<>();
        private final long[] starts; // token offset of each file; starts[n] = total
        private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        ShardSource(List<Path> files) {
            starts = new long[files.size() + 1];
            try {
                for (int i = 0; i < files.size(); i++) {
                    long bytes = Files.size(files.get(i));
                    if (bytes % 4 != 0) {
                        throw new IllegalArgumentException("Token shard " + files.get(i) + " has " + bytes + " bytes, not a multiple of 4");
                    }
                    channels.add(FileChannel.open(files.get(i), StandardOpenOption.READ));
                    starts[i + 1] = starts[i] + bytes / 4;
                }
            } catch (IOException e) {
                close();
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public long length() {
            return starts[starts.length - 1];
        }

        @Override
        public synchronized void read(long offset, int[] dst, int dstOffset, int count) {
            if (offset < 0 || count < 0 || offset + count > length()) {
                throw new IndexOutOfBoundsException("tokens [" + offset + ", " + (offset + count) + ") of " + length());
            }
            try {
                while (count > 0) {
                    int file = fileOf(offset);
                    long inFile = offset - starts[file];
                    int n = (int) Math.min(count, starts[file + 1] - offset);
                    if (buffer.capacity() < n * 4) {
                        buffer = ByteBuffer.allocateDirect(Integer.highestOneBit(n * 4) * 2).order(ByteOrder.LITTLE_ENDIAN);
                    }
                    buffer.clear().limit(n * 4);
                    FileChannel channel = channels.get(file);
                    long position = inFile * 4;
                    while (buffer.hasRemaining()) {
                        if (channel.read(buffer, position + buffer.position()) < 0) {
                            throw new IOException("unexpected end of token shard " + file);
                        }
                    }
                    buffer.flip();
                    buffer.asIntBuffer().get(dst, dstOffset, n);
                    offset += n;
                    dstOffset += n;
                    count -= n;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private int fileOf(long offset) {
            int lo = 0;
            int hi = channels.size() - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (starts[mid] <= offset) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            return lo;
        }

        @Override
        public void close() {
            for (FileChannel channel : channels) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }
}
