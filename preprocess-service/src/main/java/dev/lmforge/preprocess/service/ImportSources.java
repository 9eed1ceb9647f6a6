package dev.lmforge.preprocess.service;

import dev.lmforge.api.v1.Channel;

import java.util.Map;

/** Reads existing objects as the files of an ingestion (S3 prefixes in the service). */
public interface ImportSources {

    /**
     * The objects under each prefix, in key order, each file tagged with its prefix's channel
     * (CHANNEL_UNSPECIFIED: split by hash). Throws INVALID_ARGUMENT when a prefix is malformed or
     * holds nothing, PERMISSION_DENIED when it is outside what the tenant may import, before any read.
     */
    Source open(Map<Channel, String> prefixes, String tenant);

    /** A source that must be closed, to release the object being read. */
    interface Source extends CorpusSource, AutoCloseable {
        @Override
        void close();
    }
}
