package dev.lmforge.inference.service;

import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.TokenizerKind;
import dev.lmforge.common.text.SentencePieceTokenizer;
import dev.lmforge.common.text.Tokenizer;
import dev.lmforge.common.text.WordTokenizer;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads the tokenizer a model was trained with, from the file that travels next to the SavedModel. */
@ApplicationScoped
public class TextCodecs {

    Tokenizer open(Path modelDir, ModelCard card) throws IOException {
        byte[] file = Files.readAllBytes(modelDir.resolve(card.getTokenizerFile()));
        Tokenizer t = card.getTokenizerKind() == TokenizerKind.TOKENIZER_KIND_WORD
                ? WordTokenizer.load(file) : SentencePieceTokenizer.load(file, card.getTokenizerKind().name());
        if (t.vocabSize() != card.getVocabSize()) {
            throw new IOException("the tokenizer has " + t.vocabSize() + " tokens but the model card says " + card.getVocabSize());
        }
        return t;
    }
}
