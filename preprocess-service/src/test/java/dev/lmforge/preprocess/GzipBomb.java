package dev.lmforge.preprocess;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.DeflaterInputStream;

/**
 * A gzip stream of one line repeated up to a given size, compressed as it is read: a gigabyte of
 * text costs about a megabyte of gzip and no memory. Its trailer is left off: a reader that gets to
 * the end of a bomb has already failed the test.
 */
public final class GzipBomb extends InputStream {

    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final byte[] LINE = "the same line again and again\n".getBytes(StandardCharsets.UTF_8);

    private final long textBytes;
    private long textRead;
    private final InputStream gzip;

    public GzipBomb(long textBytes) {
        this.textBytes = textBytes;
        this.gzip = new SequenceInputStream(new ByteArrayInputStream(HEADER),
                new DeflaterInputStream(new Text(), new Deflater(Deflater.BEST_COMPRESSION, true), 1 << 16));
    }

    /** How much of the text the deflater has been asked for so far. */
    public long textRead() {
        return textRead;
    }

    @Override
    public int read() throws java.io.IOException {
        return gzip.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws java.io.IOException {
        return gzip.read(b, off, len);
    }

    private final class Text extends InputStream {
        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (textRead == textBytes) {
                return -1;
            }
            int n = (int) Math.min(len, textBytes - textRead);
            for (int i = 0; i < n; i++) {
                b[off + i] = LINE[(int) ((textRead + i) % LINE.length)];
            }
            textRead += n;
            return n;
        }
    }
}
