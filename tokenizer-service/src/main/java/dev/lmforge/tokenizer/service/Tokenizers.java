package dev.lmforge.tokenizer.service;

import dev.lmforge.api.v1.TokenizerKind;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.common.errors.LmForgeException;

import java.io.IOException;
import java.nio.file.Path;

/** Trains a tokenizer of each kind, and loads one from its stored file. */
final class Tokenizers {

    private Tokenizers() {
    }

    static Tokenizer train(TokenizerSpec spec, Path trainText, long maxTrainingLines) throws IOException {
        return switch (spec.getKind()) {
            case TOKENIZER_KIND_WORD -> WordTokenizer.train(trainText, spec.getVocabSize(), spec.getMinCount());
            case TOKENIZER_KIND_BPE, TOKENIZER_KIND_UNIGRAM -> SentencePieceTokenizer.train(spec, trainText, maxTrainingLines);
            case TOKENIZER_KIND_SENTENCEPIECE_MODEL -> SentencePieceTokenizer.load(spec.getModel().toByteArray(), "sentencepiece");
            default -> throw LmForgeException.invalidArgument("tokenizer kind is required: word, bpe, unigram or sentencepiece_model");
        };
    }

    static Tokenizer load(TokenizerKind kind, byte[] file) {
        return switch (kind) {
            case TOKENIZER_KIND_WORD -> WordTokenizer.load(file);
            case TOKENIZER_KIND_BPE -> SentencePieceTokenizer.load(file, "bpe");
            case TOKENIZER_KIND_UNIGRAM -> SentencePieceTokenizer.load(file, "unigram");
            default -> SentencePieceTokenizer.load(file, "sentencepiece");
        };
    }
}
