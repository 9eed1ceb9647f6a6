package dev.lmforge.inference.service;

import dev.lmforge.api.v1.ModelCard;

import java.io.IOException;
import java.nio.file.Path;

/** Opens a downloaded model directory. The only TensorFlow-specific piece the serving logic depends on. */
public interface RuntimeFactory {

    LanguageModelRuntime open(Path modelDir, ModelCard card) throws IOException;
}
