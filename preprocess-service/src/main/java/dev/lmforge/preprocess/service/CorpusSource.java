package dev.lmforge.preprocess.service;

import java.io.IOException;

/** The files of one ingestion, read one after the other (an upload stream, or S3 objects). */
public interface CorpusSource {

    /** The next file, or null after the last. The previous file's content is finished with. */
    IncomingFile next() throws IOException;
}
