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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A SavedModel exported by the trainer, run by DJL's TensorFlow engine. The SavedModel is loaded
 * once per signature (DJL feeds every input of a signature and fetches every output):
 * "serving_default" maps token_ids [b, t] to log_probs [b, t, vocab]; "stateful" maps token_ids
 * [b, 1], h and c [layers, b, hidden] to log_probs, h_out, c_out. Predictors are pooled, since one
 * DJL predictor serves one thread at a time. Both signatures return log-probabilities over the whole
 * vocabulary at every position they read, so a pass is kept to a bounded number of positions (see
 * {@link #forward}).
 */
public final class DjlTensorFlowRuntime implements LanguageModelRuntime {

    private final ZooModel<NDList, NDList> stateless;
    private final ZooModel<NDList, NDList> stateful;
    private final BlockingQueue<Predictor<NDList, NDList>> statelessPool;
    private final BlockingQueue<Predictor<NDList, NDList>> statefulPool;
    private final int vocabSize;
    private final int layers;
    private final int hidden;
    private final int maxForwardPositions;

    private record LstmState(float[] h, float[] c) implements State {
    }

    /**
     * {@code maxForwardPositions} bounds the memory of a forward pass: it holds that many positions'
     * log-probabilities over the whole vocabulary at most, however long the texts.
     */
    public DjlTensorFlowRuntime(Path savedModel, int vocabSize, int layers, int hidden, int predictors, int maxForwardPositions) throws IOException {
        if (maxForwardPositions < 1) {
            throw new IllegalArgumentException("maxForwardPositions must be at least 1, got " + maxForwardPositions);
        }
        this.vocabSize = vocabSize;
        this.maxForwardPositions = maxForwardPositions;
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
        float[][] out = new float[ids.length][];
        forward(ids, lengths, (seq, position, logProbs, offset) -> {
            if (position == lengths[seq] - 1) {
                out[seq] = Arrays.copyOfRange(logProbs, offset, offset + vocabSize);
            }
        });
        return out;
    }

    @Override
    public float[][] tokenLogProbs(int[][] ids, int[] lengths) {
        float[][] out = new float[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            out[i] = new float[Math.max(0, lengths[i] - 1)];
        }
        forward(ids, lengths, (seq, position, logProbs, offset) -> {
            if (position < lengths[seq] - 1) {
                out[seq][position] = logProbs[offset + ids[seq][position + 1]];
            }
        });
        return out;
    }

    /** Receives the next-token log-probabilities after each real position of each sequence, in no particular order. */
    private interface PositionSink {
        void accept(int seq, int position, float[] logProbs, int offset);
    }

    /**
     * Runs the sequences so that no forward pass holds more than {@code maxForwardPositions} rows of
     * log-probabilities, whatever their length: sequences that fit go through the stateless signature
     * in groups of at most that many positions (padding included); longer ones are stepped through
     * the stateful signature together, one position at a time, carrying h and c.
     */
    private void forward(int[][] ids, int[] lengths, PositionSink sink) {
        Integer[] longestFirst = new Integer[ids.length];
        Arrays.setAll(longestFirst, i -> i);
        Arrays.sort(longestFirst, (a, b) -> Integer.compare(lengths[b], lengths[a]));
        int next = 0;
        List<Integer> tooLong = new ArrayList<>();
        while (next < ids.length && lengths[longestFirst[next]] > maxForwardPositions) {
            tooLong.add(longestFirst[next++]);
        }
        if (!tooLong.isEmpty()) {
            stepThrough(ids, lengths, tooLong, sink);
        }
        while (next < ids.length) {
            int width = lengths[longestFirst[next]];
            int rows = Math.max(1, Math.min(ids.length - next, maxForwardPositions / width));
            int[] group = new int[rows];
            for (int r = 0; r < rows; r++) {
                group[r] = longestFirst[next++];
            }
            statelessPass(ids, lengths, group, width, sink);
        }
    }

    /**
     * One pass of the stateless signature over a group of sequences, right-padded to {@code width}.
     * log_probs [rows, width, vocab] is copied to Java and read there: a copy costs less than the
     * TensorFlow ops that would pick its rows (each an eager call), and the group keeps it small.
     */
    private void statelessPass(int[][] ids, int[] lengths, int[] group, int width, PositionSink sink) {
        int[] flat = new int[group.length * width];
        for (int r = 0; r < group.length; r++) {
            System.arraycopy(ids[group[r]], 0, flat, r * width, lengths[group[r]]);
        }
        float[] logProbs;
        Predictor<NDList, NDList> p = take(statelessPool);
        try (NDManager manager = stateless.getNDManager().newSubManager()) {
            NDArray input = manager.create(flat, new Shape(group.length, width));
            input.setName("token_ids");
            NDList out = p.predict(new NDList(input));
            out.attach(manager);
            logProbs = out.get(0).toFloatArray();
        } catch (TranslateException e) {
            throw new IllegalStateException("the model failed: " + e.getMessage(), e);
        } finally {
            statelessPool.add(p);
        }
        for (int r = 0; r < group.length; r++) {
            for (int position = 0; position < lengths[group[r]]; position++) {
                sink.accept(group[r], position, logProbs, (r * width + position) * vocabSize);
            }
        }
    }

    /** Steps sequences too long for one pass through the stateful signature together, a position at a time. */
    private void stepThrough(int[][] ids, int[] lengths, List<Integer> seqs, PositionSink sink) {
        int rows = seqs.size();
        int longest = seqs.stream().mapToInt(s -> lengths[s]).max().orElse(0);
        LstmState state = new LstmState(new float[layers * rows * hidden], new float[layers * rows * hidden]);
        int[] tokens = new int[rows];
        for (int position = 0; position < longest; position++) {
            for (int r = 0; r < rows; r++) {
                int seq = seqs.get(r);
                tokens[r] = position < lengths[seq] ? ids[seq][position] : 0; // a finished sequence is fed padding
            }
            Step step = statefulPass(tokens, state);
            state = (LstmState) step.state();
            for (int r = 0; r < rows; r++) {
                if (position < lengths[seqs.get(r)]) {
                    sink.accept(seqs.get(r), position, step.logProbs(), r * vocabSize);
                }
            }
        }
    }

    @Override
    public State initialState() {
        return new LstmState(new float[layers * hidden], new float[layers * hidden]);
    }

    @Override
    public Step step(int tokenId, State state) {
        return statefulPass(new int[] {tokenId}, (LstmState) state);
    }

    /** One step of the stateful signature for {@code tokens.length} sequences: log_probs [rows, vocab], flat, and the new state. */
    private Step statefulPass(int[] tokens, LstmState s) {
        int rows = tokens.length;
        Predictor<NDList, NDList> p = take(statefulPool);
        try (NDManager manager = stateful.getNDManager().newSubManager()) {
            NDArray ids = manager.create(tokens, new Shape(rows, 1));
            ids.setName("token_ids");
            NDArray h = manager.create(s.h(), new Shape(layers, rows, hidden));
            h.setName("h");
            NDArray c = manager.create(s.c(), new Shape(layers, rows, hidden));
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
