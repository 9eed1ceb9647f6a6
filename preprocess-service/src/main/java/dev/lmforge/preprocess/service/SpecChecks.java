package dev.lmforge.preprocess.service;

import dev.lmforge.api.v1.Channel;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.api.v1.DocumentBoundary;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.preprocess.text.MessageText;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Bounds on what a client names and describes: everything here lands in the manifest, the API's
 * responses or the corpus.ingested event, so none of it may be unbounded or unprintable.
 */
final class SpecChecks {

    /** S3's limit on a key, so that every imported object's name fits. */
    static final int MAX_FILE_NAME_BYTES = 1024;
    static final int MAX_SALT_CHARS = 256;
    /** AWS's tag limits. */
    static final int MAX_TAGS = 50;
    static final int MAX_TAG_KEY_CHARS = 128;
    static final int MAX_TAG_VALUE_CHARS = 256;
    /** auto_tokenize travels in the corpus.ingested event, whose record Kafka caps at 1 MB. */
    static final int MAX_AUTO_TOKENIZE_BYTES = 256 * 1024;

    private SpecChecks() {
    }

    static void checkSpec(CorpusSpec spec) {
        if (spec.getDocumentBoundary() == DocumentBoundary.UNRECOGNIZED) {
            throw LmForgeException.invalidArgument(
                    "document_boundary %d is unknown: use DOCUMENT_BOUNDARY_LINE, DOCUMENT_BOUNDARY_BLANK_LINE or DOCUMENT_BOUNDARY_FILE",
                    spec.getDocumentBoundaryValue());
        }
        if (spec.getSplit().getSalt().length() > MAX_SALT_CHARS) {
            throw LmForgeException.invalidArgument("split.salt is %d characters; at most %d", spec.getSplit().getSalt().length(), MAX_SALT_CHARS);
        }
        if (spec.getTagsCount() > MAX_TAGS) {
            throw LmForgeException.invalidArgument("%d tags given; at most %d", spec.getTagsCount(), MAX_TAGS);
        }
        for (Map.Entry<String, String> tag : spec.getTagsMap().entrySet()) {
            if (tag.getKey().isEmpty() || tag.getKey().length() > MAX_TAG_KEY_CHARS || tag.getValue().length() > MAX_TAG_VALUE_CHARS) {
                throw LmForgeException.invalidArgument("tag '%s': keys must have 1-%d characters and values at most %d",
                        MessageText.shown(tag.getKey()), MAX_TAG_KEY_CHARS, MAX_TAG_VALUE_CHARS);
            }
        }
        int autoTokenizeBytes = spec.getAutoTokenize().getSerializedSize();
        if (autoTokenizeBytes > MAX_AUTO_TOKENIZE_BYTES) {
            throw LmForgeException.invalidArgument(
                    "auto_tokenize is %d bytes; at most %d: put the tokenizer model in S3 and give its model_uri instead of its bytes",
                    autoTokenizeBytes, MAX_AUTO_TOKENIZE_BYTES);
        }
    }

    static void checkFile(IncomingFile file) {
        int nameBytes = file.name().getBytes(StandardCharsets.UTF_8).length;
        if (nameBytes > MAX_FILE_NAME_BYTES) {
            throw LmForgeException.invalidArgument("file name '%s' is %d bytes; at most %d", MessageText.shown(file.name()), nameBytes, MAX_FILE_NAME_BYTES);
        }
        // Names are labels in the manifest and in messages, never paths, so ".." is harmless; control characters are not.
        if (file.name().chars().anyMatch(Character::isISOControl)) {
            throw LmForgeException.invalidArgument("file name '%s' holds a control character (NUL, line break, ...)", MessageText.shown(file.name()));
        }
        if (file.channel() == Channel.UNRECOGNIZED) {
            throw LmForgeException.invalidArgument("file '%s': its channel is unknown; use CHANNEL_TRAIN, CHANNEL_VALIDATION or CHANNEL_TEST (or none)",
                    file.name());
        }
    }
}
