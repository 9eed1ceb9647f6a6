package dev.lmforge.inference.engine;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.tensorflow.engine.TfSymbolBlock;
import ai.djl.training.ParameterStore;
import dev.lmforge.common.naming.ModelSignatures;
import dev.lmforge.inference.service.LanguageModelRuntime;
import org.tensorflow.proto.ConfigProto;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A SavedModel exported by the trainer, run by DJL's TensorFlow engine. The SavedModel is loaded
 * once, and each signature it has runs on that one session: "serving_default" maps token_ids [b, t]
 * to log_probs [b, t, vocab]; "stateful" maps token_ids [b, 1], h and c [layers, b, hidden] to
 * log_probs, h_out, c_out; "next_token", in models exported since it exists, maps token_ids [b, t]
 * and lengths [b] to log_probs [b, vocab], the only thing a next-token prediction needs. A model
 * without it predicts through serving_default, which computes the whole vocabulary's
 * log-probabilities at every position, so a pass is kept to a bounded number of positions (see
 * {@link #forward}). The signatures are called directly (TensorFlow sessions are thread-safe),
 * without DJL predictors and their per-call context.
 */
public final class DjlTensorFlowRuntime implements LanguageModelRuntime {

    /** TensorFlow's session options (its thread pools are sized by the first session of the process). */
    public record SessionOptions(int intraOpThreads, int interOpThreads, boolean threadSpinning) {

        ConfigProto proto() {
            return ConfigProto.newBuilder().setIntraOpParallelismThreads(intraOpThreads).setInterOpParallelismThreads(interOpThreads)
                    .setExperimental(ConfigProto.Experimental.newBuilder().setDisableThreadSpinning(!threadSpinning)).build();
        }
    }

    /** Forward passes read no parameters here (inference only), so one store serves every call. */
    private static final ParameterStore NO_PARAMETERS = new ParameterStore();

    private final Model model;
    private final TfSymbolBlock stateless;
    private final TfSymbolBlock stateful;
    /** Null for a model exported before the signature existed. */
    private final TfSymbolBlock nextToken;
    private final int vocabSize;
    private final int layers;
    private final int hidden;
    private final int maxForwardPositions;

    private record LstmState(float[] h, float[] c) implements State {
    }

    /**
     * {@code signatures} are the model card's; {@code maxForwardPositions} bounds the memory of a
     * forward pass: it holds that many positions' log-probabilities over the whole vocabulary at most,
     * however long the texts.
     */
    public DjlTensorFlowRuntime(Path savedModel, int vocabSize, int layers, int hidden, Collection<String> signatures, SessionOptions session,
            int maxForwardPositions) throws IOException {
        if (maxForwardPositions < 1) {
            throw new IllegalArgumentException("maxForwardPositions must be at least 1, got " + maxForwardPositions);
        }
        this.vocabSize = vocabSize;
        this.maxForwardPositions = maxForwardPositions;
        this.layers = Math.max(1, layers); // a 0-layer model (embedding_softmax) takes one layer of state and returns it unchanged
        this.hidden = hidden;
        model = Model.newInstance(savedModel.getFileName().toString(), "TensorFlow");
        try {
            model.load(savedModel, null, Map.of("Tags", "serve", "SignatureDefKey", ModelSignatures.SERVING_DEFAULT, "ConfigProto", session.proto()));
        } catch (MalformedModelException | IOException | RuntimeException e) {
            model.close();
            throw new IOException("loading the SavedModel in " + savedModel + " failed: " + e.getMessage(), e);
        }
        stateless = (TfSymbolBlock) model.getBlock();
        stateful = new TfSymbolBlock(stateless.getSavedModelBundle(), ModelSignatures.STATEFUL);
        nextToken = signatures.contains(ModelSignatures.NEXT_TOKEN)
                ? new TfSymbolBlock(stateless.getSavedModelBundle(), ModelSignatures.NEXT_TOKEN) : null;
    }

    /** Whether predictions read only the last position (the next_token signature) rather than every one. */
    public boolean predictsFromLastPositionOnly() {
        return nextToken != null;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public float[][] nextTokenLogProbs(int[][] ids, int[] lengths) {
        float[][] out = new float[ids.length][];
        forward(ids, lengths, nextToken != null, (seq, position, logProbs, offset) -> {
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
        forward(ids, lengths, false, (seq, position, logProbs, offset) -> {
            if (position < lengths[seq] - 1) {
                out[seq][position] = logProbs[offset + ids[seq][position + 1]];
            }
        });
        return out;
    }

    /** Receives the next-token log-probabilities after real positions of sequences, in no particular order. */
    private interface PositionSink {
        void accept(int seq, int position, float[] logProbs, int offset);
    }

    /**
     * Runs the sequences so that no forward pass holds more than {@code maxForwardPositions} rows of
     * log-probabilities, whatever their length: sequences that fit go through one signature in groups
     * of at most that many positions (padding included), next_token when only each last position is
     * wanted ({@code lastOnly}) and serving_default otherwise; longer ones are stepped through the
     * stateful signature together, one position at a time, carrying h and c.
     */
    private void forward(int[][] ids, int[] lengths, boolean lastOnly, PositionSink sink) {
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
            if (lastOnly) {
                lastPositionPass(ids, lengths, group, width, sink);
            } else {
                everyPositionPass(ids, lengths, group, width, sink);
            }
        }
    }

    /**
     * One pass of serving_default over a group of sequences, right-padded to {@code width}.
     * log_probs [rows, width, vocab] is copied to Java and read there: a copy costs less than the
     * TensorFlow ops that would pick its rows (each an eager call), and the group keeps it small.
     */
    private void everyPositionPass(int[][] ids, int[] lengths, int[] group, int width, PositionSink sink) {
        float[] logProbs;
        try (NDManager manager = model.getNDManager().newSubManager()) {
            logProbs = call(stateless, padded(manager, ids, lengths, group, width)).get(0).toFloatArray();
        }
        for (int r = 0; r < group.length; r++) {
            for (int position = 0; position < lengths[group[r]]; position++) {
                sink.accept(group[r], position, logProbs, (r * width + position) * vocabSize);
            }
        }
    }

    /** One pass of next_token over a group of right-padded sequences: log_probs [rows, vocab], after each last real position. */
    private void lastPositionPass(int[][] ids, int[] lengths, int[] group, int width, PositionSink sink) {
        float[] logProbs;
        try (NDManager manager = model.getNDManager().newSubManager()) {
            int[] last = new int[group.length];
            for (int r = 0; r < group.length; r++) {
                last[r] = lengths[group[r]];
            }
            NDArray lengthsInput = manager.create(last, new Shape(group.length));
            lengthsInput.setName("lengths");
            logProbs = call(nextToken, padded(manager, ids, lengths, group, width), lengthsInput).get(0).toFloatArray();
        }
        for (int r = 0; r < group.length; r++) {
            sink.accept(group[r], lengths[group[r]] - 1, logProbs, r * vocabSize);
        }
    }

    private static NDArray padded(NDManager manager, int[][] ids, int[] lengths, int[] group, int width) {
        int[] flat = new int[group.length * width];
        for (int r = 0; r < group.length; r++) {
            System.arraycopy(ids[group[r]], 0, flat, r * width, lengths[group[r]]);
        }
        NDArray input = manager.create(flat, new Shape(group.length, width));
        input.setName("token_ids");
        return input;
    }

    /** Runs a signature; its outputs belong to the inputs' manager, freed with it. */
    private static NDList call(TfSymbolBlock signature, NDArray... inputs) {
        return signature.forward(NO_PARAMETERS, new NDList(inputs), false);
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
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray ids = manager.create(tokens, new Shape(rows, 1));
            ids.setName("token_ids");
            NDArray h = manager.create(s.h(), new Shape(layers, rows, hidden));
            h.setName("h");
            NDArray c = manager.create(s.c(), new Shape(layers, rows, hidden));
            c.setName("c");
            NDList out = call(stateful, ids, h, c);
            return new Step(byName(out, "log_probs").toFloatArray(),
                    new LstmState(byName(out, "h_out").toFloatArray(), byName(out, "c_out").toFloatArray()));
        }
    }

    private static NDArray byName(NDList list, String name) {
        NDArray a = list.get(name);
        if (a == null) {
            throw new IllegalStateException("the SavedModel's stateful signature has no output " + name + " (outputs: " + list + ")");
        }
        return a;
    }

    @Override
    public void close() {
        if (nextToken != null) {
            nextToken.close(); // the blocks share the model's bundle, which closes once
        }
        stateful.close();
        model.close();
    }
}
