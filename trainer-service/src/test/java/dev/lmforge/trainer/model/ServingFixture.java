package dev.lmforge.trainer.model;

import com.google.protobuf.Timestamp;
import dev.lmforge.common.naming.ModelSignatures;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.TokenizerKind;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.common.text.WordTokenizer;
import dev.lmforge.trainer.grpc.DatasetFixtures;
import dev.lmforge.trainer.model.LstmConfig.Device;
import dev.lmforge.trainer.model.LstmConfig.Optimizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Exports the small models the inference-service tests serve: a word-level LSTM trained briefly on
 * English Europarl text, laid out as a training job publishes its model (SavedModel, tokenizer,
 * manifest.json). Regenerate with
 * {@code ./mvnw -q -pl trainer-service exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.lmforge.trainer.model.ServingFixture -Dexec.args="DIR SEED [LAYERS]"}; LAYERS 0 is the
 * embedding_softmax baseline (default 1).
 */
public final class ServingFixture {

    private ServingFixture() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]).toAbsolutePath();
        long seed = Long.parseLong(args[1]);
        int layers = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        List<String> lines = DatasetFixtures.english(1500);
        Path text = Files.createTempFile("fixture", ".txt");
        Files.write(text, lines);
        WordTokenizer tokenizer = WordTokenizer.train(text, 300, 1);
        List<Integer> stream = new ArrayList<>();
        for (String line : lines) {
            for (int id : tokenizer.encode(line)) {
                stream.add(id);
            }
            stream.add(tokenizer.eosId());
        }
        int[] train = stream.stream().mapToInt(Integer::intValue).toArray();
        LstmConfig config = new LstmConfig(tokenizer.vocabSize(), 24, layers == 0 ? 24 : 48, layers, 0f, false, 0.1f, 16, 20, Optimizer.ADAM, 1f, seed, Device.CPU);
        try (LstmLanguageModel model = LstmLanguageModel.create(config)) {
            for (int epoch = 0; epoch < 2; epoch++) {
                model.resetTrainingState();
                for (TokenWindows.Window w : TokenWindows.of(train, config.batchSize(), config.bptt())) {
                    model.trainStep(w, 0.01f);
                }
            }
            model.exportSavedModel(out);
            Files.write(out.resolve(WordTokenizer.FILE_NAME), tokenizer.serialize());
            ModelCard card = ModelCard.newBuilder().setSchemaVersion(1).setTrainingJobName("fixture-" + seed).setDatasetId("fixture")
                    .setCorpusId("europarl-en").setTokenizerKind(TokenizerKind.TOKENIZER_KIND_WORD).setTokenizerFile(WordTokenizer.FILE_NAME)
                    .setVocabSize(tokenizer.vocabSize()).setEosId(tokenizer.eosId()).setUnkId(tokenizer.unknownId())
                    .setParameters(model.parameterCount()).setNumLayers(layers).setHiddenSize(config.hiddenSize())
                    .setCreatedAt(Timestamp.newBuilder().setSeconds(1_764_000_000L)).addAllSignatures(ModelSignatures.EXPORTED).build();
            Files.write(out.resolve("manifest.json"), ProtoJson.bytes(card));
        }
        System.out.println("exported " + out);
    }
}
