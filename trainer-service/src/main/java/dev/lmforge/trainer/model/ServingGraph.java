package dev.lmforge.trainer.model;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lmforge.common.naming.ModelSignatures.NEXT_TOKEN;
import static dev.lmforge.common.naming.ModelSignatures.SERVING_DEFAULT;
import static dev.lmforge.common.naming.ModelSignatures.STATEFUL;

/**
 * The inference graph written as a SavedModel (tag "serve"): no training ops, no device pins, one
 * softmax matrix (the training shards concatenated), and two signatures:
 * <ul>
 *   <li>{@code serving_default}: {@code token_ids} int32 [batch, time] → {@code log_probs} float
 *       [batch, time, vocab], the log-softmax of the next token at every position, from a zero state;</li>
 *   <li>{@code stateful}: {@code token_ids} int32 [batch, 1], {@code h}, {@code c} float
 *       [layers, batch, hidden] → {@code log_probs} [batch, 1, vocab], {@code h_out}, {@code c_out}:
 *       one step of generation, feeding h_out/c_out back as the next h/c (zeros to start). A model
 *       of 0 layers (embedding straight into the softmax) has no state: its h and c are
 *       [1, batch, hidden] and come back unchanged, so callers need no special case;</li>
 *   <li>{@code next_token}: {@code token_ids} int32 [batch, time] (right-padded) and {@code lengths}
 *       int32 [batch] → {@code log_probs} float [batch, vocab], the next token after each sequence's
 *       last real position only: the softmax, by far the largest matrix product, runs once per
 *       sequence instead of once per position, and the answer is vocab floats, not time × vocab.</li>
 * </ul>
 * Only standard TensorFlow kernels (Gather, BlockLSTM, MatMul, LogSoftmax, …) are used, so TF Java,
 * DJL's TensorFlow engine and Python TensorFlow all load it.
 */
final class ServingGraph implements AutoCloseable {

    private final LstmConfig config;
    private final Graph graph = new Graph();
    private final Ops tf = Ops.create(graph);
    private final Map<String, Placeholder<TFloat32>> valueFeeds = new LinkedHashMap<>();
    private final List<Op> assigns = new ArrayList<>();
    private final Variable<TFloat32> embedding;
    private final List<Variable<TFloat32>> lstmW = new ArrayList<>();
    private final List<Variable<TFloat32>> lstmB = new ArrayList<>();
    private final Variable<TFloat32> softmaxW; // untied: [H + 1, V], last row the bias
    private final Variable<TFloat32> softmaxBias; // tied: [V]
    private final Operand<TFloat32> zerosH;

    ServingGraph(LstmConfig config) {
        this.config = config;
        int v = config.vocabSize();
        int h = config.hiddenSize();
        zerosH = tf.constant(new float[h]);
        embedding = variable("embedding", v, config.embeddingDim());
        for (int l = 0; l < config.numLayers(); l++) {
            lstmW.add(variable("lstm_w_" + l, config.layerInput(l) + h, 4 * h));
            lstmB.add(variable("lstm_b_" + l, 4 * h));
        }
        if (config.tieWeights()) {
            softmaxW = null;
            softmaxBias = variable("softmax_b", v);
        } else {
            softmaxW = variable("softmax_w", h + 1, v);
            softmaxBias = null;
        }
    }

    private Variable<TFloat32> variable(String name, long... dims) {
        Variable<TFloat32> var = tf.withName(name).variable(Shape.of(dims), TFloat32.class);
        Placeholder<TFloat32> value = tf.withName(name + "_value").placeholder(TFloat32.class, Placeholder.shape(Shape.of(dims)));
        valueFeeds.put(name, value);
        assigns.add(tf.withName(name + "_assign").assign(var, value));
        return var;
    }

    /**
     * Writes the SavedModel. {@code values} holds a tensor per variable name ("embedding",
     * "lstm_w_0", "lstm_b_0", …, "softmax_w" or "softmax_b"), in the training layout.
     */
    void export(Path dir, Map<String, Tensor> values) {
        Signature stateless = buildStateless();
        Signature stateful = buildStateful();
        Signature nextToken = buildNextToken();
        try (Session session = new Session(graph)) {
            Session.Runner runner = session.runner();
            for (Map.Entry<String, Placeholder<TFloat32>> feed : valueFeeds.entrySet()) {
                Tensor value = values.get(feed.getKey());
                if (value == null) {
                    throw new IllegalStateException("no value for " + feed.getKey());
                }
                runner.feed(feed.getValue(), value);
            }
            assigns.forEach(runner::addTarget);
            runner.run().close();
            SavedModelBundle.exporter(dir.toString())
                    .withFunction(SessionFunction.create(stateless, session))
                    .withFunction(SessionFunction.create(stateful, session))
                    .withFunction(SessionFunction.create(nextToken, session))
                    .export();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write SavedModel to " + dir, e);
        }
    }

    private Signature buildStateless() {
        Ops s = tf.withSubScope(SERVING_DEFAULT);
        int h = config.hiddenSize();
        Placeholder<TInt32> ids = s.withName("token_ids").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
        Operand<TInt32> batch = dimension(s, ids, 0);
        Operand<TInt32> time = dimension(s, ids, 1);
        Operand<TFloat32> out = s.reshape(lstmOutputs(s, ids), s.constant(new int[] {-1, h}));
        Operand<TFloat32> logProbs = s.reshape(logSoftmax(s, out), s.stack(List.of(batch, time, s.constant(config.vocabSize()))));
        return Signature.builder().key(SERVING_DEFAULT).methodName("tensorflow/serving/predict")
                .input("token_ids", ids).output("log_probs", s.withName("log_probs").identity(logProbs)).build();
    }

    private Signature buildNextToken() {
        Ops s = tf.withSubScope(NEXT_TOKEN);
        Placeholder<TInt32> ids = s.withName("token_ids").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
        Placeholder<TInt32> lengths = s.withName("lengths").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
        Operand<TInt32> rows = s.range(s.constant(0), dimension(s, ids, 0), s.constant(1));
        Operand<TInt32> last = s.math.sub(lengths, s.constant(1));
        Operand<TFloat32> atLast = s.gatherNd(lstmOutputs(s, ids), s.stack(List.of(rows, last), Stack.axis(1L))); // [batch, hidden]
        return Signature.builder().key(NEXT_TOKEN).methodName("tensorflow/serving/predict")
                .input("token_ids", ids).input("lengths", lengths)
                .output("log_probs", s.withName("log_probs").identity(logSoftmax(s, atLast))).build();
    }

    private static Operand<TInt32> dimension(Ops s, Operand<TInt32> tensor, int axis) {
        return s.gather(s.shape(tensor), s.constant(axis), s.constant(0));
    }

    /** The top layer's output at every position, from a zero state: [batch, time, hidden]. */
    private Operand<TFloat32> lstmOutputs(Ops s, Operand<TInt32> ids) {
        Operand<TFloat32> zeros = s.fill(s.stack(List.of(dimension(s, ids, 0), s.constant(config.hiddenSize()))), s.constant(0f));
        Operand<TFloat32> x = s.gather(embedding, s.linalg.transpose(ids, s.constant(new int[] {1, 0})), s.constant(0));
        Operand<TInt64> seqLen = s.dtypes.cast(dimension(s, ids, 1), TInt64.class);
        for (int l = 0; l < config.numLayers(); l++) {
            x = ModelGraph.output(blockLstm(s, seqLen, x, zeros, zeros, l), 6);
        }
        return s.linalg.transpose(x, s.constant(new int[] {1, 0, 2}));
    }

    private Signature buildStateful() {
        Ops s = tf.withSubScope(STATEFUL);
        int h = config.hiddenSize();
        int layers = config.numLayers();
        int stateLayers = Math.max(1, layers);
        Placeholder<TInt32> ids = s.withName("token_ids").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, 1)));
        Placeholder<TFloat32> hIn = s.withName("h").placeholder(TFloat32.class, Placeholder.shape(Shape.of(stateLayers, -1, h)));
        Placeholder<TFloat32> cIn = s.withName("c").placeholder(TFloat32.class, Placeholder.shape(Shape.of(stateLayers, -1, h)));
        Operand<TInt32> batch = s.gather(s.shape(ids), s.constant(0), s.constant(0));
        Operand<TFloat32> x = s.gather(embedding, s.linalg.transpose(ids, s.constant(new int[] {1, 0})), s.constant(0)); // [1, B, E]
        Operand<TInt32> stateShape = s.stack(List.of(batch, s.constant(h)));
        Operand<TFloat32> hOut = hIn;
        Operand<TFloat32> cOut = cIn;
        if (layers > 0) {
            List<org.tensorflow.Output<TFloat32>> hs = s.unstack(hIn, (long) layers).output();
            List<org.tensorflow.Output<TFloat32>> cs = s.unstack(cIn, (long) layers).output();
            Operand<TInt64> seqLen = s.constant(1L);
            List<Operand<TFloat32>> hLayers = new ArrayList<>();
            List<Operand<TFloat32>> cLayers = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                Operation cell = blockLstm(s, seqLen, x, cs.get(l), hs.get(l), l);
                x = ModelGraph.output(cell, 6);
                hLayers.add(s.reshape(x, stateShape));
                cLayers.add(s.reshape(ModelGraph.output(cell, 1), stateShape));
            }
            hOut = s.stack(hLayers);
            cOut = s.stack(cLayers);
        }
        Operand<TFloat32> out = s.reshape(x, stateShape);
        Operand<TFloat32> logProbs = s.reshape(logSoftmax(s, out), s.stack(List.of(batch, s.constant(1), s.constant(config.vocabSize()))));
        return Signature.builder().key(STATEFUL).methodName("tensorflow/serving/predict")
                .input("token_ids", ids).input("h", hIn).input("c", cIn)
                .output("log_probs", s.withName("log_probs").identity(logProbs))
                .output("h_out", s.withName("h_out").identity(hOut))
                .output("c_out", s.withName("c_out").identity(cOut))
                .build();
    }

    private Operand<TFloat32> logSoftmax(Ops s, Operand<TFloat32> out) {
        Operand<TFloat32> logits;
        if (config.tieWeights()) {
            logits = s.nn.biasAdd(s.linalg.matMul(out, embedding, MatMul.transposeB(true)), softmaxBias);
        } else {
            OperationBuilder pad = s.scope().opBuilder("PadV2", "pad_one");
            pad.addInput(out.asOutput());
            pad.addInput(s.constant(new int[][] {{0, 0}, {0, 1}}).asOutput());
            pad.addInput(s.constant(1f).asOutput());
            Operand<TFloat32> input = ModelGraph.output(pad.build(), 0);
            logits = s.linalg.matMul(input, softmaxW);
        }
        return s.nn.logSoftmax(logits);
    }

    private Operation blockLstm(Ops s, Operand<TInt64> seqLen, Operand<TFloat32> x, Operand<TFloat32> c0, Operand<TFloat32> h0, int layer) {
        OperationBuilder op = s.scope().opBuilder("BlockLSTM", "lstm");
        for (Operand<?> in : List.of(seqLen, x, c0, h0, lstmW.get(layer), zerosH, zerosH, zerosH, lstmB.get(layer))) {
            op.addInput(in.asOutput());
        }
        op.setAttr("forget_bias", 0f);
        op.setAttr("cell_clip", -1f);
        op.setAttr("use_peephole", false);
        return op.build();
    }

    @Override
    public void close() {
        graph.close();
    }
}
