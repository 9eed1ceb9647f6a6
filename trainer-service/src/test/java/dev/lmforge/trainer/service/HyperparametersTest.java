package dev.lmforge.trainer.service;

import dev.lmforge.common.errors.LmForgeException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HyperparametersTest {

    @Test
    void defaultsFillWhatIsLeftOut() {
        Hyperparameters h = Hyperparameters.parse(Map.of("hidden_size", "650", "optimizer", "adam"));
        assertEquals(650, h.hiddenSize());
        assertEquals(200, h.embeddingDim());
        assertEquals(0.001, h.learningRate());
        assertTrue(h.adam());
        assertEquals(Hyperparameters.TABLE.size(), h.resolved().size());
        assertEquals(1.0, Hyperparameters.parse(Map.of()).learningRate());
    }

    @Test
    void outOfRangeValuesNameTheParameterAndItsRange() {
        expect("hyperparameter hidden_size must be an integer in [1, 4096], got '0'", Map.of("hidden_size", "0"));
        expect("hyperparameter dropout must be a number in [0, 0.9], got '1.5'", Map.of("dropout", "1.5"));
        expect("hyperparameter learning_rate must be a number in (0, 100], got 'fast'", Map.of("learning_rate", "fast"));
        expect("hyperparameter optimizer must be sgd or adam, got 'rmsprop'", Map.of("optimizer", "rmsprop"));
        expect("tie_weights needs embedding_dim = hidden_size, got 100 and 200", Map.of("tie_weights", "true", "embedding_dim", "100"));
        expect("hyperparameter model must be lstm, embedding_softmax or kneser_ney, got 'gru'", Map.of("model", "gru"));
        expect("hyperparameter ngram_order must be an integer in [1, 9], got '10'", Map.of("ngram_order", "10"));
        expect("hyperparameter ngram_order must be an integer in [1, 9], got '0'", Map.of("model", "kneser_ney", "ngram_order", "0"));
        var e = assertThrows(LmForgeException.class, () -> Hyperparameters.parse(Map.of("hiden_size", "3")));
        assertTrue(e.getMessage().startsWith("unknown hyperparameter 'hiden_size'"), e.getMessage());
    }

    @Test
    void baselinesResolveToWhatTheyTrain() {
        Hyperparameters lstm = Hyperparameters.parse(Map.of());
        assertEquals(Hyperparameters.Model.LSTM, lstm.model());
        assertEquals(5, lstm.ngramOrder());
        Hyperparameters bigram = Hyperparameters.parse(Map.of("model", "embedding_softmax", "embedding_dim", "64", "hidden_size", "9999"));
        assertEquals(Hyperparameters.Model.EMBEDDING_SOFTMAX, bigram.model());
        assertEquals(0, bigram.numLayers());
        assertEquals(64, bigram.hiddenSize());
        assertEquals("0", bigram.resolved().get("num_layers"));
        assertEquals("64", bigram.resolved().get("hidden_size"));
        assertEquals(bigram.resolved(), Hyperparameters.parse(bigram.resolved()).resolved(), "the resolved set parses to itself");
        Hyperparameters kn = Hyperparameters.parse(Map.of("model", "kneser_ney", "ngram_order", "3"));
        assertEquals(Hyperparameters.Model.KNESER_NEY, kn.model());
        assertEquals(3, kn.ngramOrder());
        assertEquals("kneser_ney", Hyperparameters.parse(Map.of("model", "Kneser_Ney")).resolved().get("model"));
    }

    @Test
    void theReadmeShowsTheTableAsItIs() throws Exception {
        String table = Hyperparameters.markdownTable();
        for (Hyperparameters.Definition d : Hyperparameters.TABLE) {
            assertTrue(table.contains("`" + d.name() + "`"), d.name());
        }
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
        assertTrue(readme.contains(table.replace(System.lineSeparator(), "\n")),
                "README.md's hyperparameter table differs from Hyperparameters.markdownTable(); paste this:\n" + table);
    }

    private static void expect(String message, Map<String, String> given) {
        var e = assertThrows(LmForgeException.class, () -> Hyperparameters.parse(given));
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, e.kind());
        assertEquals(message, e.getMessage());
    }
}
