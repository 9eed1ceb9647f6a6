package dev.lmforge.tokenizer.service;

import dev.lmforge.api.v1.TokenizerKind;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.text.SentencePieceTokenizer;
import dev.lmforge.common.text.Tokenizer;
import dev.lmforge.common.text.WordTokenizer;
import dev.lmforge.tokenizer.sentencepiece.SentencePieceModels;
import dev.lmforge.tokenizer.sentencepiece.SentencePieceTrainer;

import java.io.IOException;
import java.nio.file.Path;

/** Trains a tokenizer of each kind, validates uploaded models, and loads one from its stored file. */
final class Tokenizers {

    private Tokenizers() {
    }

    static Tokenizer train(TokenizerSpec spec, Path trainText, long maxTrainingLines) throws IOException {
        return switch (spec.getKind()) {
            case TOKENIZER_KIND_WORD -> WordTokenizer.train(trainText, spec.getVocabSize(), spec.getMinCount());
            case TOKENIZER_KIND_BPE, TOKENIZER_KIND_UNIGRAM -> {
                boolean bpe = spec.getKind() == TokenizerKind.TOKENIZER_KIND_BPE;
                SentencePieceTrainer.Options options = new SentencePieceTrainer.Options(
                        bpe ? SentencePieceTrainer.ModelType.BPE : SentencePieceTrainer.ModelType.UNIGRAM,
                        spec.getVocabSize(), spec.getCharacterCoverage(), spec.getByteFallback(), 16, maxTrainingLines);
                yield SentencePieceTokenizer.load(SentencePieceTrainer.train(trainText, options), bpe ? "bpe" : "unigram");
            }
            case TOKENIZER_KIND_SENTENCEPIECE_MODEL -> uploaded(spec.getModel().toByteArray());
            default -> throw LmForgeException.invalidArgument("tokenizer kind is required: word, bpe, unigram or sentencepiece_model");
        };
    }

    /** An uploaded model, checked piece by piece (and loaded by DJL) before it is used. */
    static Tokenizer uploaded(byte[] model) {
        SentencePieceModels.inspect(model);
        return SentencePieceTokenizer.load(model, "sentencepiece");
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
