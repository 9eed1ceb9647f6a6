package dev.lmforge.inference.engine;

import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.common.naming.ModelSignatures;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.inference.service.LanguageModelRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer's SavedModel (exported by dev.lmforge.trainer.model.ServingFixture) through DJL's
 * TensorFlow engine: its signatures load and agree with each other, a model exported before
 * next_token still predicts, batching with padding changes no real position, and reading in bounded
 * chunks gives what one whole pass gives.
 */
class DjlTensorFlowRuntimeTest {

    static final Path MODEL = Path.of("src/test/resources/models/europarl-a");
    /** Positions per forward pass that every sequence here fits in: one stateless pass, as before chunking. */
    private static final int WHOLE = 1024;
    private static DjlTensorFlowRuntime runtime;
    private static int vocab;

    @BeforeAll
    static void load() throws Exception {
        vocab = card(MODEL).getVocabSize();
        runtime = open(MODEL, WHOLE);
    }

    /** A model directory as the service opens it: the card's signatures, serving's session options. */
    static DjlTensorFlowRuntime open(Path dir, int maxForwardPositions) throws Exception {
        return open(dir, card(dir).getSignaturesList(), maxForwardPositions);
    }

    private static DjlTensorFlowRuntime open(Path dir, List<String> signatures, int maxForwardPositions) throws Exception {
        ModelCard card = card(dir);
        return new DjlTensorFlowRuntime(dir, card.getVocabSize(), card.getNumLayers(), card.getHiddenSize(), signatures,
                new DjlTensorFlowRuntime.SessionOptions(1, -1, false), maxForwardPositions);
    }

    private static ModelCard card(Path dir) throws Exception {
        return ProtoJson.merge(Files.readAllBytes(dir.resolve("manifest.json")), ModelCard.newBuilder()).build();
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    @Test
    void nextTokenDistributionSumsToOne() {
        float[][] out = runtime.nextTokenLogProbs(new int[][] {{1, 5, 7, 9}}, new int[] {4});
        assertEquals(vocab, out[0].length);
        double total = 0;
        for (float lp : out[0]) {
            total += Math.exp(lp);
        }
        assertEquals(1.0, total, 1e-3);
    }

    @Test
    void statefulStepsAgreeWithTheWholeSequence() {
        int[] ids = {1, 12, 40, 7, 99, 3, 1, 250};
        float[][] scores = runtime.tokenLogProbs(new int[][] {ids}, new int[] {ids.length});
        LanguageModelRuntime.Step step = runtime.step(ids[0], runtime.initialState());
        for (int i = 1; i < ids.length; i++) {
            assertEquals(scores[0][i - 1], step.logProbs()[ids[i]], 1e-4, "position " + i);
            step = runtime.step(ids[i], step.state());
        }
    }

    @Test
    void anEmbeddingSoftmaxModelServesToo() throws Exception {
        Path bigram = Path.of("src/test/resources/models/europarl-bigram");
        ModelCard card = card(bigram);
        assertEquals(0, card.getNumLayers());
        try (DjlTensorFlowRuntime model = open(bigram, WHOLE)) {
            float[][] afterSeven = model.nextTokenLogProbs(new int[][] {{1, 5, 7}, {9, 12, 7}}, new int[] {3, 3});
            for (int v = 0; v < card.getVocabSize(); v++) {
                assertEquals(afterSeven[0][v], afterSeven[1][v], 1e-5, "only the previous token counts");
            }
            int[] ids = {1, 12, 40, 7, 99};
            float[][] scores = model.tokenLogProbs(new int[][] {ids}, new int[] {ids.length});
            LanguageModelRuntime.Step step = model.step(ids[0], model.initialState());
            for (int i = 1; i < ids.length; i++) {
                assertEquals(scores[0][i - 1], step.logProbs()[ids[i]], 1e-4, "position " + i);
                step = model.step(ids[i], step.state());
            }
        }
    }

    @Test
    void nextTokenSignatureAgreesWithEveryPositionSignature() throws Exception {
        assertTrue(runtime.predictsFromLastPositionOnly());
        int[][] batch = {{1, 30, 31, 0, 0, 0}, {1, 8, 9, 10, 11, 12}, {1, 0, 0, 0, 0, 0}};
        int[] lengths = {3, 6, 1};
        float[][] lastOnly = runtime.nextTokenLogProbs(batch, lengths);
        List<String> beforeNextToken = List.of(ModelSignatures.SERVING_DEFAULT, ModelSignatures.STATEFUL);
        try (DjlTensorFlowRuntime everyPosition = open(MODEL, beforeNextToken, WHOLE)) {
            assertFalse(everyPosition.predictsFromLastPositionOnly());
            float[][] expected = everyPosition.nextTokenLogProbs(batch, lengths);
            for (int s = 0; s < batch.length; s++) {
                assertArrayEquals(expected[s], lastOnly[s], 1e-4f, "sequence " + s);
            }
        }
    }

    @Test
    void aModelFromBeforeTheNextTokenSignaturePredictsThroughServingDefault() throws Exception {
        Path old = Path.of("src/test/resources/models/europarl-b");
        assertFalse(card(old).getSignaturesList().contains(ModelSignatures.NEXT_TOKEN), "europarl-b is kept as it was exported before next_token");
        try (DjlTensorFlowRuntime model = open(old, WHOLE)) {
            assertFalse(model.predictsFromLastPositionOnly());
            float[] next = model.nextTokenLogProbs(new int[][] {{1, 5, 7, 9}}, new int[] {4})[0];
            double total = 0;
            for (float lp : next) {
                total += Math.exp(lp);
            }
            assertEquals(1.0, total, 1e-3);
        }
    }

    @Test
    void paddingInABatchChangesNoRealPosition() {
        int[] shortSeq = {1, 30, 31};
        int[] longSeq = {1, 8, 9, 10, 11, 12};
        float[][] alone = runtime.nextTokenLogProbs(new int[][] {shortSeq}, new int[] {3});
        int[][] batch = {java.util.Arrays.copyOf(shortSeq, 6), longSeq};
        float[][] together = runtime.nextTokenLogProbs(batch, new int[] {3, 6});
        float[][] longAlone = runtime.nextTokenLogProbs(new int[][] {longSeq}, new int[] {6});
        for (int v = 0; v < vocab; v++) {
            assertEquals(alone[0][v], together[0][v], 1e-4);
            assertEquals(longAlone[0][v], together[1][v], 1e-4);
        }
        float[][] scores = runtime.tokenLogProbs(batch, new int[] {3, 6});
        assertEquals(2, scores[0].length);
        assertEquals(5, scores[1].length);
        assertTrue(scores[1][4] < 0);
    }

    @Test
    void chunkedReadingAgreesWithOneWholePass() throws Exception {
        int chunk = 8;
        int[] longSeq = new int[50]; // several chunks: stepped through the stateful signature
        for (int i = 0; i < longSeq.length; i++) {
            longSeq[i] = (i * 37 + 11) % vocab;
        }
        int[][] batch = {longSeq, java.util.Arrays.copyOf(new int[] {1, 30, 31, 32, 33}, 50), java.util.Arrays.copyOf(new int[] {1, 8, 9}, 50),
                java.util.Arrays.copyOf(new int[] {1, 40}, 50)};
        int[] lengths = {50, 5, 3, 2}; // the short ones share passes of at most 8 positions
        try (DjlTensorFlowRuntime chunked = open(MODEL, chunk)) {
            float[][] whole = runtime.tokenLogProbs(batch, lengths);
            float[][] inChunks = chunked.tokenLogProbs(batch, lengths);
            for (int s = 0; s < batch.length; s++) {
                assertEquals(lengths[s] - 1, inChunks[s].length);
                for (int p = 0; p < whole[s].length; p++) {
                    assertEquals(whole[s][p], inChunks[s][p], 1e-4, "sequence " + s + ", position " + p);
                }
            }
            float[][] nextWhole = runtime.nextTokenLogProbs(batch, lengths);
            float[][] nextInChunks = chunked.nextTokenLogProbs(batch, lengths);
            for (int s = 0; s < batch.length; s++) {
                for (int v = 0; v < vocab; v++) {
                    assertEquals(nextWhole[s][v], nextInChunks[s][v], 1e-4, "sequence " + s + ", token " + v);
                }
            }
        }
    }
}
