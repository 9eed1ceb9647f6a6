package dev.lmforge.inference.engine;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A SavedModel exported by the trainer, run by DJL's TensorFlow engine. The SavedModel is loaded
 * once per signature (DJL feeds every input of a signature and fetches every output):
 * "serving_default" maps token_ids [b, t] to log_probs [b, t, vocab]; "stateful" maps token_ids
 * [b, 1], h and c [layers, b, hidden] to log_probs, h_out, c_out. Predictors are pooled, since one
 * DJL predictor serves one thread at a time.
 */
public final class DjlTensorFlowRuntime implements LanguageModelRuntime {

    private final ZooModel<NDList, NDList> stateless;
    private final ZooModel<NDList, NDList> stateful;
    private final BlockingQueue<Predictor<NDList, NDList>> statelessPool;
    private final BlockingQueue<Predictor<NDList, NDList>> statefulPool;
    private final int vocabSize;
    private final int layers;
    private final int hidden;

    private record LstmState(float[] h, float[] c) implements State {
    }

    public DjlTensorFlowRuntime(Path savedModel, int vocabSize, int layers, int hidden, int predictors) throws IOException {
        this.vocabSize = vocabSize;
        this.layers = Math.max(1, layers); // a 0-layer model (embedding_softmax) takes one layer of state and returns it unchanged
        this.hidden = hidden;
        try {
            stateless = load(savedModel, "serving_default");
            stateful = load(savedModel, "stateful");
        } catch (ModelNotFoundException | MalformedModelException e) {
            throw new IOException("loading the SavedModel in " + savedModel + " failed: " + e.getMessage(), e);
        }
        statelessPool = new ArrayBlockingQueue<>(predictors);
        statefulPool = new ArrayBlockingQueue<>(predictors);
        for (int i = 0; i < predictors; i++) {
            statelessPool.add(stateless.newPredictor());
            statefulPool.add(stateful.newPredictor());
        }
    }

    private static ZooModel<NDList, NDList> load(Path dir, String signature) throws ModelNotFoundException, MalformedModelException, IOException {
        return Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(dir).optEngine("TensorFlow")
                .optTranslator(new NoopTranslator()).optOption("Tags", "serve").optOption("SignatureDefKey", signature)
                .build().loadModel();
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public float[][] nextTokenLogProbs(int[][] ids, int[] lengths) {
        float[] all = stateless(ids);
        int t = ids[0].length;
        float[][] out = new float[ids.length][vocabSize];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(all, (i * t + lengths[i] - 1) * vocabSize, out[i], 0, vocabSize);
        }
        return out;
    }

    @Override
    public float[][] tokenLogProbs(int[][] ids, int[] lengths) {
        float[] all = stateless(ids);
        int t = ids[0].length;
        float[][] out = new float[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            out[i] = new float[Math.max(0, lengths[i] - 1)];
            for (int p = 0; p < out[i].length; p++) {
                out[i][p] = all[(i * t + p) * vocabSize + ids[i][p + 1]];
            }
        }
        return out;
    }

    /**
     * log_probs [batch, time, vocab] of right-padded sequences, flat. Rows are picked in Java: a copy
     * of the output costs less than the TensorFlow ops that would pick them (each an eager call).
     */
    private float[] stateless(int[][] ids) {
        Predictor<NDList, NDList> p = take(statelessPool);
        try (NDManager manager = stateless.getNDManager().newSubManager()) {
            int b = ids.length;
            int t = ids[0].length;
            int[] flat = new int[b * t];
            for (int i = 0; i < b; i++) {
                System.arraycopy(ids[i], 0, flat, i * t, t);
            }
            NDArray input = manager.create(flat, new Shape(b, t));
            input.setName("token_ids");
            NDList out = p.predict(new NDList(input));
            out.attach(manager);
            return out.get(0).toFloatArray();
        } catch (TranslateException e) {
            throw new IllegalStateException("the model failed: " + e.getMessage(), e);
        } finally {
            statelessPool.add(p);
        }
    }

    @Override
    public State initialState() {
        return new LstmState(new float[layers * hidden], new float[layers * hidden]);
    }

    @Override
    public Step step(int tokenId, State state) {
        LstmState s = (LstmState) state;
        Predictor<NDList, NDList> p = take(statefulPool);
        try (NDManager manager = stateful.getNDManager().newSubManager()) {
            NDArray ids = manager.create(new int[] {tokenId}, new Shape(1, 1));
            ids.setName("token_ids");
            NDArray h = manager.create(s.h(), new Shape(layers, 1, hidden));
            h.setName("h");
            NDArray c = manager.create(s.c(), new Shape(layers, 1, hidden));
            c.setName("c");
            NDList out = p.predict(new NDList(ids, h, c));
            out.attach(manager); // freed with the step, not with the model
            return new Step(byName(out, "log_probs").toFloatArray(),
                    new LstmState(byName(out, "h_out").toFloatArray(), byName(out, "c_out").toFloatArray()));
        } catch (TranslateException e) {
            throw new IllegalStateException("the model failed: " + e.getMessage(), e);
        } finally {
            statefulPool.add(p);
        }
    }

    private static NDArray byName(NDList list, String name) {
        NDArray a = list.get(name);
        if (a == null) {
            throw new IllegalStateException("the SavedModel's stateful signature has no output " + name + " (outputs: " + list + ")");
        }
        return a;
    }

    private static <T> T take(BlockingQueue<T> pool) {
        try {
            return pool.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a predictor", e);
        }
    }

    @Override
    public void close() {
        statelessPool.forEach(Predictor::close);
        statefulPool.forEach(Predictor::close);
        stateless.close();
        stateful.close();
    }
}
