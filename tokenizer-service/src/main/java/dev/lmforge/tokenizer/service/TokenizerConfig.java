package dev.lmforge.tokenizer.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "lmforge.tokenizer")
public interface TokenizerConfig {

    /** Dataset builds that run at once; the others queue. */
    @WithDefault("1")
    int maxConcurrentBuilds();

    /** Token ids per shard object (4 bytes each). */
    @WithDefault("16777216")
    int shardTokens();

    /** Lines encoded together, in parallel. */
    @WithDefault("2048")
    int batchLines();

    /** Tokenize/Detokenize: at most this many texts or sequences in one request. */
    @WithDefault("1024")
    int maxRequestItems();

    /** Tokenize/Detokenize: at most this many characters (or ids) in one request. */
    @WithDefault("1000000")
    int maxRequestChars();

    /** Tokenizers kept loaded for Tokenize/Detokenize. */
    @WithDefault("8")
    int cachedTokenizers();

    /** SentencePiece training reads at most this many lines of the train split (0: all), as spm's input_sentence_size. */
    @WithDefault("0")
    long maxTrainingLines();

    /** How long a build waits for Kafka to acknowledge tokens.ready. */
    @WithDefault("30s")
    Duration eventAckTimeout();

    /** How often restarting the builds a previous process left unfinished is retried until it succeeds once. */
    @WithDefault("30s")
    String recoveryRetryInterval();
}
