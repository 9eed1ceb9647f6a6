package dev.lmforge.trainer.container;

import com.google.protobuf.Struct;
import dev.lmforge.common.naming.ModelSignatures;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.EpochMetrics;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.common.store.LocalFiles;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.trainer.internal.TrainingState;
import dev.lmforge.trainer.service.Hyperparameters;
import dev.lmforge.trainer.service.LanguageModel;
import dev.lmforge.trainer.service.StandaloneTraining;
import dev.lmforge.trainer.service.TokenData;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * SageMaker's training-container contract, so the same image runs as a Kubernetes Job or a
 * SageMaker training job. Reads {@code input/config/hyperparameters.json} (string values) and the
 * channels {@code input/data/train} (a dataset's {@code meta.json}, its tokenizer file and its
 * {@code train-*.bin} shards), {@code input/data/validation} and optionally {@code input/data/test}
 * ({@code *.bin}); resumes from {@code checkpoints/} when a previous run left one; writes the
 * SavedModel, tokenizer and model card to {@code model/}, or the reason of a failure to
 * {@code output/failure}. Paths are under {@code lmforge.trainer.sagemaker-root} (default /opt/ml).
 *
 * <p>No tenant here: the container touches no platform store, only its local channels. Whoever
 * launches it (SageMaker, a Kubernetes Job) copies a tenant's dataset in and its model out, with its
 * own rights, so the tenant is the launcher's to choose.
 */
@ApplicationScoped
public class SageMakerTraining {

    private static final Logger LOG = Logger.getLogger(SageMakerTraining.class);

    private final LanguageModel.Factory models;
    private final Path root;

    public SageMakerTraining(LanguageModel.Factory models, @ConfigProperty(name = "lmforge.trainer.sagemaker-root", defaultValue = "/opt/ml") String root) {
        this.models = models;
        this.root = Path.of(root);
    }

    public int run() {
        try {
            train();
            return 0;
        } catch (Exception e) {
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.errorf(e, "training failed: %s", reason);
            try {
                Files.createDirectories(root.resolve("output"));
                Files.writeString(root.resolve("output/failure"), reason + "\n");
            } catch (IOException io) {
                LOG.errorf("could not write %s: %s", root.resolve("output/failure"), io.getMessage());
            }
            return 1;
        }
    }

    private void train() throws IOException {
        Hyperparameters h = Hyperparameters.parse(hyperparameters(root.resolve("input/config/hyperparameters.json")));
        if (h.model() == Hyperparameters.Model.KNESER_NEY) {
            throw new IllegalArgumentException("the container trains the neural models; model kneser_ney runs in the trainer-service");
        }
        Path trainChannel = root.resolve("input/data/train");
        Dataset dataset = ProtoJson.merge(Files.readAllBytes(trainChannel.resolve("meta.json")), Dataset.newBuilder()).build();
        int[] train = shards(trainChannel);
        train = java.util.Arrays.copyOf(train, (int) Math.ceil(train.length * h.dataFraction()));
        int[] validation = withContext(dataset.getEosId(), shards(root.resolve("input/data/validation")));
        Path testChannel = root.resolve("input/data/test");
        int[] test = Files.isDirectory(testChannel) ? withContext(dataset.getEosId(), shards(testChannel)) : validation;
        var data = new TokenData(dataset.getVocabSize(), dataset.getEosId(), train, validation, test,
                dataset.getSplitsOrThrow("validation").getCharacters(),
                Files.isDirectory(testChannel) ? dataset.getSplitsOrThrow("test").getCharacters() : dataset.getSplitsOrThrow("validation").getCharacters());

        Path checkpoints = Files.createDirectories(root.resolve("checkpoints"));
        Path stateFile = checkpoints.resolve("lmforge-state.json");
        TrainingState start = Files.exists(stateFile)
                ? ProtoJson.merge(Files.readAllBytes(stateFile), TrainingState.newBuilder()).build() : TrainingState.getDefaultInstance();
        TrainingState end;
        try (LanguageModel model = Files.exists(stateFile) ? models.restore(h, dataset.getVocabSize(), checkpoints.resolve("model"))
                : models.create(h, dataset.getVocabSize())) {
            end = StandaloneTraining.runLocally(model, h, data, start, state -> {
                model.saveCheckpoint(checkpoints.resolve("model"));
                if (state.getBestGlobalStep() == state.getGlobalStep() && state.getStepInEpoch() == 0) {
                    model.saveCheckpoint(bestCheckpoint(checkpoints, state));
                }
                Files.write(stateFile, ProtoJson.bytes(state));
                removeStaleBest(checkpoints, state);
            });
            if (StandaloneTraining.keptEpoch(h, end) == end.getEpochsCompleted()) {
                export(model, h, end, data, dataset, trainChannel);
                return;
            }
        }
        LOG.infof("keep_best_epoch: exporting epoch %d of %d", end.getBestEpoch(), end.getEpochsCompleted());
        try (LanguageModel best = models.restore(h, dataset.getVocabSize(), bestCheckpoint(checkpoints, end))) {
            export(best, h, end, data, dataset, trainChannel);
        }
    }

    /** With keep_best_epoch, the best epoch's checkpoint is kept beside the latest, named by its global step. */
    private static Path bestCheckpoint(Path checkpoints, TrainingState state) {
        return checkpoints.resolve("best-" + state.getBestGlobalStep());
    }

    private static void removeStaleBest(Path checkpoints, TrainingState state) throws IOException {
        Path keep = bestCheckpoint(checkpoints, state);
        try (Stream<Path> dirs = Files.list(checkpoints)) {
            dirs.filter(d -> d.getFileName().toString().startsWith("best-") && !d.equals(keep)).toList().forEach(LocalFiles::deleteTree);
        }
    }

    private void export(LanguageModel model, Hyperparameters h, TrainingState state, TokenData data, Dataset dataset, Path trainChannel)
            throws IOException {
        List<Metric> metrics = StandaloneTraining.finalMetrics(model, h, state, data);
        Path modelDir = root.resolve("model");
        model.exportSavedModel(modelDir);
        String tokenizerFile;
        try (Stream<Path> files = Files.list(trainChannel)) {
            Path tokenizer = files.filter(p -> p.getFileName().toString().startsWith("tokenizer.")).findFirst()
                    .orElseThrow(() -> new IOException("the train channel holds no tokenizer.model or tokenizer.vocab"));
            tokenizerFile = tokenizer.getFileName().toString();
            Files.copy(tokenizer, modelDir.resolve(tokenizerFile));
        }
        List<EpochMetrics> epochs = state.getEpochsList();
        ModelCard card = ModelCard.newBuilder().setSchemaVersion(1).setDatasetId(dataset.getDatasetId()).setCorpusId(dataset.getCorpusId())
                .setTokenizerKind(dataset.getTokenizer().getKind()).setTokenizerFile(tokenizerFile).setVocabSize(dataset.getVocabSize())
                .setEosId(dataset.getEosId()).setUnkId(dataset.getUnkId()).putAllHyperparameters(h.resolved()).addAllMetrics(metrics)
                .addAllEpochs(epochs).setParameters(model.parameterCount()).setNumLayers(h.numLayers()).setHiddenSize(h.hiddenSize())
                .addAllSignatures(ModelSignatures.EXPORTED).setKeptEpoch(StandaloneTraining.keptEpoch(h, state)).build();
        Files.write(modelDir.resolve("manifest.json"), ProtoJson.bytes(card));
        LOG.infof("model written to %s: %s", modelDir, metrics);
    }

    /** SageMaker writes every hyperparameter as a JSON string; numbers and booleans are accepted too. */
    static Map<String, String> hyperparameters(Path file) throws IOException {
        Map<String, String> out = new HashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        Struct.Builder json = Struct.newBuilder();
        JsonFormat.parser().merge(Files.readString(file, StandardCharsets.UTF_8), json);
        for (Map.Entry<String, Value> e : json.getFieldsMap().entrySet()) {
            Value v = e.getValue();
            out.put(e.getKey(), switch (v.getKindCase()) {
                case STRING_VALUE -> v.getStringValue();
                case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
                case NUMBER_VALUE -> v.getNumberValue() == Math.rint(v.getNumberValue())
                        ? Long.toString((long) v.getNumberValue()) : Double.toString(v.getNumberValue());
                default -> throw new IOException("hyperparameter " + e.getKey() + " is not a string, number or boolean");
            });
        }
        return out;
    }

    /** Every *.bin shard of a channel, in name order, as one token stream. */
    static int[] shards(Path channel) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(channel)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".bin")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("channel " + channel + " holds no .bin token shards");
        }
        long total = 0;
        for (Path f : files) {
            total += Files.size(f) / 4;
        }
        int[] out = new int[Math.toIntExact(total)];
        int pos = 0;
        for (Path f : files) {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
            while (b.remaining() >= 4) {
                out[pos++] = b.getInt();
            }
        }
        return out;
    }

    private static int[] withContext(int eos, int[] tokens) {
        int[] out = new int[tokens.length + 1];
        out[0] = eos;
        System.arraycopy(tokens, 0, out, 1, tokens.length);
        return out;
    }
}
