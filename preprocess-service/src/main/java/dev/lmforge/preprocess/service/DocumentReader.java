package dev.lmforge.preprocess.service;

import dev.lmforge.api.v1.DocumentBoundary;
import dev.lmforge.common.errors.LmForgeException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Turns one file's bytes into documents: un-gzips when the file starts with gzip's magic number,
 * refuses binary input, decodes UTF-8 strictly line by line (an invalid line is counted, never
 * silently repaired), and groups lines into documents by the chosen boundary. Streams: at most one
 * document is held in memory, and documents and lines have size limits. The text of all files read
 * by one reader is bounded, and so is each gzip file's expansion, checked as it inflates so that a
 * gzip bomb is stopped after a few megabytes.
 */
final class DocumentReader {

    private static final int SNIFF_BYTES = 8192;

    private final DocumentBoundary boundary;
    private final int maxLineBytes;
    private final long maxDocumentChars;
    private final InputLimits limits;
    /** Text bytes (after gunzip) of every file read so far. */
    private long textBytes;

    DocumentReader(DocumentBoundary boundary, int maxLineBytes, long maxDocumentChars, InputLimits limits) {
        this.boundary = boundary == DocumentBoundary.DOCUMENT_BOUNDARY_UNSPECIFIED ? DocumentBoundary.DOCUMENT_BOUNDARY_LINE : boundary;
        this.maxLineBytes = maxLineBytes;
        this.maxDocumentChars = maxDocumentChars;
        this.limits = limits;
    }

    /** Receives each document, as its lines, in input order. */
    @FunctionalInterface
    interface DocumentSink {
        void accept(List<String> lines) throws IOException;
    }

    /** What reading one file found besides its documents. */
    static final class FileReport {
        long bytes;
        long lines;
        long invalidLines;
        boolean gzip;
    }

    FileReport read(String fileName, InputStream raw, DocumentSink documents) throws IOException {
        FileReport report = new FileReport();
        CountingInputStream counted = new CountingInputStream(raw);
        BufferedInputStream in = new BufferedInputStream(counted, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        InputStream text = in;
        if (b0 == 0x1f && b1 == 0x8b) {
            report.gzip = true;
            text = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        try {
            readLines(fileName, text, report.gzip ? counted : null, report, documents);
        } catch (ZipException | java.io.EOFException e) {
            throw LmForgeException.invalidArgument("file '%s' is not valid gzip: %s", fileName, e.getMessage());
        }
        report.bytes = counted.count;
        if (report.lines > 0 && report.invalidLines == report.lines) {
            throw LmForgeException.invalidArgument(
                    "file '%s' is not UTF-8 text: all %d lines are invalid UTF-8 (convert it first, e.g. iconv -f latin1 -t utf-8)",
                    fileName, report.lines);
        }
        return report;
    }

    /** {@code compressed} counts the bytes of a gzip file read so far; null for plain text. */
    private void readLines(String fileName, InputStream in, CountingInputStream compressed, FileReport report,
            DocumentSink documents) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        byte[] line = new byte[1024];
        int len = 0;
        long offset = 0;
        List<String> document = new ArrayList<>();
        long documentChars = 0;
        byte[] buf = new byte[1 << 16];
        int n;
        boolean sniffing = true;
        while ((n = in.read(buf)) > 0) {
            if (sniffing) {
                rejectBinary(fileName, buf, (int) Math.min(n, SNIFF_BYTES - offset), offset);
                sniffing = offset + n < SNIFF_BYTES;
            }
            offset += n;
            checkLimits(fileName, n, offset, compressed);
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (b != '\n') {
                    if (len == line.length) {
                        if (len >= maxLineBytes) {
                            throw LmForgeException.invalidArgument(
                                    "file '%s': line %d is longer than %d bytes; is it text with line breaks?",
                                    fileName, report.lines + 1, maxLineBytes);
                        }
                        line = java.util.Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
                    }
                    line[len++] = b;
                    continue;
                }
                documentChars = endLine(fileName, decoder, line, len, report, document, documentChars, documents);
                len = 0;
            }
        }
        if (len > 0) {
            endLine(fileName, decoder, line, len, report, document, documentChars, documents);
        }
        if (!document.isEmpty()) {
            documents.accept(List.copyOf(document));
        }
    }

    /** Handles one complete line; returns the characters now held in the current document. */
    private long endLine(String fileName, CharsetDecoder decoder, byte[] line, int len, FileReport report,
            List<String> document, long documentChars, DocumentSink documents) throws IOException {
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        report.lines++;
        String text;
        try {
            CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(line, 0, len));
            text = chars.toString();
        } catch (CharacterCodingException e) {
            report.invalidLines++;
            return documentChars;
        }
        boolean blank = text.isBlank();
        switch (boundary) {
            case DOCUMENT_BOUNDARY_LINE -> {
                if (!blank) {
                    documents.accept(List.of(text));
                }
                return 0;
            }
            case DOCUMENT_BOUNDARY_BLANK_LINE -> {
                if (blank) {
                    if (!document.isEmpty()) {
                        documents.accept(List.copyOf(document));
                        document.clear();
                    }
                    return 0;
                }
            }
            default -> {
                if (blank) {
                    return documentChars;
                }
            }
        }
        documentChars += text.length();
        if (documentChars > maxDocumentChars) {
            throw LmForgeException.invalidArgument(
                    "file '%s': a document is longer than %d characters; choose a finer document boundary (LINE or BLANK_LINE)",
                    fileName, maxDocumentChars);
        }
        document.add(text);
        return documentChars;
    }

    private void checkLimits(String fileName, int justRead, long fileTextBytes, CountingInputStream compressed) {
        textBytes += justRead;
        if (textBytes > limits.maxCorpusBytes()) {
            throw LmForgeException.resourceExhausted(
                    "the corpus is larger than %d bytes of text (after gunzip), reached in file '%s': split it into several corpora, or raise %s",
                    limits.maxCorpusBytes(), fileName, InputLimits.MAX_CORPUS_BYTES_KEY);
        }
        if (compressed != null && fileTextBytes > limits.gzipRatioCheckedAfterBytes()
                && fileTextBytes > (long) limits.maxGzipRatio() * compressed.count) {
            throw LmForgeException.invalidArgument(
                    "file '%s' looks like a gzip bomb: %d compressed bytes expanded to %d bytes, more than %d:1 (%s)",
                    fileName, compressed.count, fileTextBytes, limits.maxGzipRatio(), InputLimits.MAX_GZIP_RATIO_KEY);
        }
    }

    private static void rejectBinary(String fileName, byte[] buf, int n, long offset) {
        for (int i = 0; i < n; i++) {
            if (buf[i] == 0) {
                throw LmForgeException.invalidArgument(
                        "file '%s' looks binary (a NUL byte at offset %d): upload UTF-8 text, or gzip of it",
                        fileName, offset + i);
            }
        }
    }

    private static final class CountingInputStream extends java.io.FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
