package dev.lmforge.trainer.service;

/** A dataset's token ids in memory (4 bytes a token), with the characters each held-out split encodes. */
public record TokenData(int vocabSize, int eosId, int[] train, int[] validation, int[] test,
        long validationCharacters, long testCharacters) {
}
