package dev.lmforge.cli.dataset;

import dev.lmforge.api.v1.TokenizerKind;

/** The CLI's names of tokenizer kinds. */
public final class TokenizerKinds {

    private TokenizerKinds() {
    }

    public static TokenizerKind parse(String name) {
        return switch (name) {
            case "word" -> TokenizerKind.TOKENIZER_KIND_WORD;
            case "bpe" -> TokenizerKind.TOKENIZER_KIND_BPE;
            case "unigram" -> TokenizerKind.TOKENIZER_KIND_UNIGRAM;
            case "sentencepiece" -> TokenizerKind.TOKENIZER_KIND_SENTENCEPIECE_MODEL;
            default -> throw new IllegalArgumentException("tokenizer must be word, bpe, unigram or sentencepiece, not " + name);
        };
    }

    public static String name(TokenizerKind kind) {
        return switch (kind) {
            case TOKENIZER_KIND_WORD -> "word";
            case TOKENIZER_KIND_BPE -> "bpe";
            case TOKENIZER_KIND_UNIGRAM -> "unigram";
            case TOKENIZER_KIND_SENTENCEPIECE_MODEL -> "sentencepiece";
            default -> "?";
        };
    }
}
