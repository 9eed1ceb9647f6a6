package dev.lmforge.inference.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "lmforge.inference")
public interface InferenceConfig {

    /** Requests batched into one forward pass at most. 1 turns batching off. */
    @WithDefault("32")
    int maxBatchSize();

    /** How long the first request of a batch waits for company. */
    @WithDefault("2ms")
    Duration maxBatchWait();

    /**
     * Worker threads of the batch scheduler, shared by every loaded model: forward passes that run at
     * once. One per core (Kubernetes sets it from the pod's CPU limit), each pass on one core.
     */
    @WithDefault("2")
    int batchThreads();

    /** Requests a model may have waiting or running; more are refused (RESOURCE_EXHAUSTED) until some are answered. */
    @WithDefault("512")
    int maxQueuedRequests();

    /** TensorFlow's session options, for every model this replica loads (TensorFlow sizes its pools once per process). */
    TensorFlowSession session();

    /**
     * Chosen for serving small models on a few CPU cores: see "Where the time goes" in bench/README.md
     * for the measurements behind the defaults.
     */
    interface TensorFlowSession {

        /** Threads that one operation (a matrix product) may split across; the batch workers already use every core. */
        @WithDefault("1")
        int intraOpThreads();

        /** Threads that run independent operations at once; negative: every operation in the calling thread, no hand-off. */
        @WithDefault("-1")
        int interOpThreads();

        /** Whether TensorFlow's idle pool threads spin waiting for work (fast wake-up, but they burn cores the batch workers need). */
        @WithDefault("false")
        boolean threadSpinning();
    }

    /**
     * Positions (sequences × tokens, padding included) whose log-probabilities over the whole
     * vocabulary one forward pass holds at most: this × vocabulary × 4 bytes in TensorFlow, and twice
     * that on the Java heap while it is copied out. A sequence longer than this is read one token at a time.
     */
    @WithDefault("1024")
    int maxForwardPositions();

    /** Characters of text (prompt, text to score or predict from) per request. */
    @WithDefault("20000")
    int maxTextChars();

    /** Token ids that a Predict call may send instead of a text. */
    @WithDefault("20000")
    int maxTokenIds();

    /** Tokens a Generate call may ask for. */
    @WithDefault("1024")
    int maxGenerateTokens();

    /** Tokens a Generate call produces when it does not say. */
    @WithDefault("50")
    int defaultGenerateTokens();

    /** Endpoint that a newly ready model is put behind (empty: none). */
    @WithDefault("default")
    String promoteOnReady();

    /** TensorFlow's native libraries for DJL (the TENSORFLOW_LIBRARY_PATH environment variable wins). */
    Optional<String> tensorflowLibraryPath();

    /** Where downloaded models are kept. */
    @WithDefault("${java.io.tmpdir}/lmforge-models")
    String modelCache();
}
