package dev.lmforge.trainer.model;

/**
 * Result of {@link LstmLanguageModel#evaluate}: the summed cross-entropy (natural log) of every
 * scored next-token prediction, and how many there were.
 */
public record Evaluation(double totalNats, long tokens) {

    /** Mean cross-entropy in nats per token. */
    public double natsPerToken() {
        return tokens == 0 ? Double.NaN : totalNats / tokens;
    }

    public double perplexity() {
        return Math.exp(natsPerToken());
    }

    /** Bits per character, given the number of characters the scored tokens cover. */
    public double bitsPerCharacter(long characters) {
        return totalNats / Math.log(2) / characters;
    }
}
