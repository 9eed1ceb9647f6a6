package dev.lmforge.common.naming;

import java.util.List;

/**
 * The signatures of the SavedModel a training job exports, as its model card lists them: the
 * trainer writes them, the inference-service picks its fastest path by them. A card from before
 * {@link #NEXT_TOKEN} existed lists only the first two, and is served through {@link #SERVING_DEFAULT}.
 */
public final class ModelSignatures {

    /** token_ids [batch, time] → log_probs [batch, time, vocab]: the next token after every position. */
    public static final String SERVING_DEFAULT = "serving_default";
    /** token_ids [batch, 1], h, c [layers, batch, hidden] → log_probs [batch, 1, vocab], h_out, c_out: one generation step. */
    public static final String STATEFUL = "stateful";
    /** token_ids [batch, time], lengths [batch] → log_probs [batch, vocab]: the next token after each sequence's last real position only. */
    public static final String NEXT_TOKEN = "next_token";

    /** What the trainer exports today, in the order the card lists them. */
    public static final List<String> EXPORTED = List.of(SERVING_DEFAULT, STATEFUL, NEXT_TOKEN);

    private ModelSignatures() {
    }
}
