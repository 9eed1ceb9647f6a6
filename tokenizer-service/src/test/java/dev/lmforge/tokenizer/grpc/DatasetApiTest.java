package dev.lmforge.tokenizer.grpc;

import dev.lmforge.common.security.Role;
import dev.lmforge.common.testing.TestPrincipals;
import dev.lmforge.common.testing.TestTokens;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.lmforge.api.v1.CorpusIngested;
import dev.lmforge.api.v1.CreateDatasetRequest;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.DatasetServiceGrpc;
import dev.lmforge.api.v1.DeleteDatasetRequest;
import dev.lmforge.api.v1.DetokenizeRequest;
import dev.lmforge.api.v1.GetDatasetRequest;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.ListDatasetsRequest;
import dev.lmforge.api.v1.Shard;
import dev.lmforge.api.v1.TokenIds;
import dev.lmforge.api.v1.TokenizeRequest;
import dev.lmforge.api.v1.TokenizerKind;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.api.v1.TokensReady;
import dev.lmforge.common.events.EventHeaders;
import dev.lmforge.common.events.Topics;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.S3Uri;
import dev.lmforge.common.testing.EventProbe;
import dev.lmforge.common.testing.PoisonRecords;
import dev.lmforge.common.text.SentencePieceNormalizer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

import java.io.InputStream;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DatasetService against the real Kafka broker and S3 server, on corpora published as the preprocess-service does. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatasetApiTest {

    /** Health and metrics: the management interface (plain HTTP, a port of its own), at its root /q/. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @TestHTTPResource("/")
    URL root;

    @Inject
    ArtifactStore store;

    ManagedChannel channel;
    DatasetServiceGrpc.DatasetServiceBlockingStub datasets;
    String corpus;
    List<String> validation;

    @BeforeAll
    void publishCorpus() throws Exception {
        List<String> lines = CorpusFixtures.europarl(1200);
        validation = new ArrayList<>(lines.subList(0, 300));
        corpus = unique("europarl");
        CorpusFixtures.publish(store, corpus, Map.of("train", lines.subList(300, lines.size()), "validation", validation,
                "test", lines.subList(0, 50)));
    }

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress(root.getHost(), root.getPort()).usePlaintext().intercept(TestTokens.admin()).build();
        datasets = DatasetServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.MINUTES);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    Dataset build(String id, TokenizerSpec spec) {
        return datasets.createDataset(CreateDatasetRequest.newBuilder().setDatasetId(id).setCorpusId(corpus).setTokenizer(spec).setWait(true).build());
    }

    /** Every id of a split, read back from its shards. */
    int[] shardIds(Dataset d, String split) throws Exception {
        List<Integer> ids = new ArrayList<>();
        for (Shard shard : d.getSplitsOrThrow(split).getShardsList()) {
            try (InputStream in = store.open(new S3Uri(d.getLocation().getBucket(), shard.getKey()))) {
                ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(shard.getTokens() * 4, b.remaining());
                while (b.hasRemaining()) {
                    ids.add(b.getInt());
                }
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void aWordDatasetIsTokenizedIntoShardsAndAnnouncedOnce() throws Exception {
        String id = unique("word");
        Dataset d = build(id, TokenizerSpec.newBuilder().setKind(TokenizerKind.TOKENIZER_KIND_WORD).setVocabSize(5000).build());
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, d.getStatus());
        assertEquals(5000, d.getVocabSize());
        assertTrue(store.exists(ArtifactLayout.shared().datasetMeta(id)));
        assertTrue(store.exists(ArtifactLayout.shared().datasetFile(id, "tokenizer.vocab")));

        int[] ids = shardIds(d, "validation");
        assertEquals(d.getSplitsOrThrow("validation").getTokens(), ids.length);
        int eos = 0;
        for (int x : ids) {
            eos += x == d.getEosId() ? 1 : 0;
        }
        assertEquals(validation.size(), eos, "one end-of-line token per line");
        List<Integer> firstLine = datasets.tokenize(TokenizeRequest.newBuilder().setDatasetId(id).addTexts(validation.get(0)).build())
                .getResults(0).getIdsList();
        for (int i = 0; i < firstLine.size(); i++) {
            assertEquals(firstLine.get(i).intValue(), ids[i], "shard and Tokenize agree at " + i);
        }
        assertTrue(d.getSplitsOrThrow("validation").getUnknownRate() > 0, "a 5k word vocabulary leaves unknown words");

        var events = EventProbe.records(Topics.TOKENS_READY, id, new TokensReadyDeserializer(), Duration.ofSeconds(4));
        assertEquals(1, events.size());
        TokensReady event = events.get(0).value();
        assertEquals(corpus, event.getCorpusId());
        assertEquals(5000, event.getVocabSize());
        assertEquals(d.getLocation(), event.getLocation());

        assertTrue(datasets.listDatasets(ListDatasetsRequest.newBuilder().setCorpusId(corpus).setPageSize(100).build())
                .getDatasetsList().stream().anyMatch(x -> x.getDatasetId().equals(id)));
        assertEquals(event.getCausedBy().getSubject(), d.getCreatedBy().getSubject(), "tokens.ready names who asked for the dataset");

        // Another tenant's admin: the dataset answers as a missing one, and its tokenizer is out of reach.
        ManagedChannel other = ManagedChannelBuilder.forAddress(root.getHost(), root.getPort()).usePlaintext()
                .intercept(TestTokens.as(Role.ADMIN, "team-b")).build();
        try {
            DatasetServiceGrpc.DatasetServiceBlockingStub otherTenant = DatasetServiceGrpc.newBlockingStub(other).withDeadlineAfter(1, TimeUnit.MINUTES);
            expect(Status.Code.NOT_FOUND, "dataset '" + id + "' does not exist", () -> otherTenant.getDataset(GetDatasetRequest.newBuilder().setDatasetId(id).build()));
            expect(Status.Code.NOT_FOUND, "dataset '" + id + "' does not exist",
                    () -> otherTenant.tokenize(TokenizeRequest.newBuilder().setDatasetId(id).addTexts("the").build()));
            expect(Status.Code.NOT_FOUND, "dataset '" + id + "' does not exist",
                    () -> otherTenant.deleteDataset(DeleteDatasetRequest.newBuilder().setDatasetId(id).build()));
            assertTrue(otherTenant.listDatasets(ListDatasetsRequest.newBuilder().setPageSize(100).build()).getDatasetsList().stream()
                    .noneMatch(x -> x.getDatasetId().equals(id)));
        } finally {
            other.shutdownNow();
        }

        assertTrue(datasets.deleteDataset(DeleteDatasetRequest.newBuilder().setDatasetId(id).build()).getObjectsDeleted() > 3);
        expect(Status.Code.NOT_FOUND, "does not exist", () -> datasets.getDataset(GetDatasetRequest.newBuilder().setDatasetId(id).build()));
    }

    @Test
    void subwordDatasetsMatchSpmEncodeOnTheValidationSplit() throws Exception {
        for (TokenizerKind kind : List.of(TokenizerKind.TOKENIZER_KIND_BPE, TokenizerKind.TOKENIZER_KIND_UNIGRAM)) {
            String id = unique(kind == TokenizerKind.TOKENIZER_KIND_BPE ? "bpe" : "unigram");
            Dataset d = build(id, TokenizerSpec.newBuilder().setKind(kind).setVocabSize(2000).setByteFallback(true).build());
            assertEquals(JobStatus.JOB_STATUS_COMPLETED, d.getStatus(), d.getFailureReason());
            Path model = Files.createTempFile("model", ".model");
            Files.write(model, store.read(ArtifactLayout.shared().datasetFile(id, "tokenizer.model")).orElseThrow());
            // The platform normalises in Java (NFKC, spaces) before encoding; the model's normaliser is the identity.
            List<int[]> spm = Spm.encode(model, validation.stream().map(SentencePieceNormalizer::normalize).toList());
            int[] shard = shardIds(d, "validation");
            int pos = 0;
            for (int line = 0; line < spm.size(); line++) {
                int[] expected = spm.get(line);
                assertArrayEquals(expected, java.util.Arrays.copyOfRange(shard, pos, pos + expected.length), kind + " line " + line);
                pos += expected.length;
                assertEquals(d.getEosId(), shard[pos++]);
            }
            assertEquals(shard.length, pos);

            TokenIds encoded = datasets.tokenize(TokenizeRequest.newBuilder().setDatasetId(id).addTexts(validation.get(3)).build()).getResults(0);
            String decoded = datasets.detokenize(DetokenizeRequest.newBuilder().setDatasetId(id).addSequences(encoded).build()).getTexts(0);
            assertEquals(SentencePieceNormalizer.normalize(validation.get(3)), decoded);
        }
    }

    @Test
    void anSpmTrainModelCanBeBroughtAndEncodesAsSpmDoes() throws Exception {
        Path text = Files.createTempFile("train", ".txt");
        Files.write(text, validation, StandardCharsets.UTF_8);
        Path model = Spm.train(text, 800, "unigram");
        String id = unique("byo");
        Dataset d = build(id, TokenizerSpec.newBuilder().setKind(TokenizerKind.TOKENIZER_KIND_SENTENCEPIECE_MODEL)
                .setModel(ByteString.copyFrom(Files.readAllBytes(model))).build());
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, d.getStatus(), d.getFailureReason());
        assertEquals(800, d.getVocabSize());
        List<int[]> spm = Spm.encode(model, validation.subList(0, 20));
        for (int i = 0; i < 20; i++) {
            List<Integer> ours = datasets.tokenize(TokenizeRequest.newBuilder().setDatasetId(id).addTexts(validation.get(i)).build()).getResults(0).getIdsList();
            assertArrayEquals(spm.get(i), ours.stream().mapToInt(Integer::intValue).toArray(), "line " + i);
        }
    }

    @Test
    void aModelIsReadFromS3OnlyInsideTheTenantsImports() throws Exception {
        Path text = Files.createTempFile("train", ".txt");
        Files.write(text, validation, StandardCharsets.UTF_8);
        String key = "imports/default/" + unique("model") + ".model";
        store.put(key, Files.readAllBytes(Spm.train(text, 500, "bpe")), "application/octet-stream");
        Dataset d = build(unique("from-s3"), TokenizerSpec.newBuilder().setKind(TokenizerKind.TOKENIZER_KIND_SENTENCEPIECE_MODEL)
                .setModelUri("s3://" + store.bucket() + "/" + store.key(key)).build());
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, d.getStatus(), d.getFailureReason());

        for (String outside : List.of("s3://other-bucket/x.model", "s3://" + store.bucket() + "/" + store.key("imports/team-b/x.model"),
                "s3://" + store.bucket() + "/" + store.key("datasets/" + d.getDatasetId() + "/tokenizer.model"))) {
            expect(Status.Code.PERMISSION_DENIED, "outside what tenant 'default' may import", () -> datasets.createDataset(CreateDatasetRequest.newBuilder()
                    .setDatasetId(unique("outside")).setCorpusId(corpus).setTokenizer(TokenizerSpec.newBuilder()
                            .setKind(TokenizerKind.TOKENIZER_KIND_SENTENCEPIECE_MODEL).setModelUri(outside)).build()));
        }
        expect(Status.Code.INVALID_ARGUMENT, "not a valid S3 URI", () -> datasets.createDataset(CreateDatasetRequest.newBuilder()
                .setDatasetId(unique("malformed")).setCorpusId(corpus).setTokenizer(TokenizerSpec.newBuilder()
                        .setKind(TokenizerKind.TOKENIZER_KIND_SENTENCEPIECE_MODEL).setModelUri("s3://" + store.bucket() + "/imports/default/../x.model")).build()));
    }

    @Test
    void autoModeBuildsOnceForARedeliveredCorpusIngested() throws Exception {
        String json = "{\"schemaVersion\": 1, \"corpusId\": \"" + corpus + "\", \"autoTokenize\": {\"kind\": \"TOKENIZER_KIND_WORD\", \"vocabSize\": 777}, "
                + "\"causedBy\": " + TestPrincipals.editorJson() + "}";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(EventProbe.client(),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 2; i++) {
                ProducerRecord<String, String> record = new ProducerRecord<>(Topics.CORPUS_INGESTED, corpus, json);
                record.headers().add(EventHeaders.CONTENT_TYPE, EventHeaders.JSON.getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
            }
        }
        String id = corpus + "-word-777";
        Dataset d = awaitBuilt(id);
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, d.getStatus());
        assertTrue(d.getAuto());
        assertEquals(1, EventProbe.records(Topics.TOKENS_READY, id, new TokensReadyDeserializer(), Duration.ofSeconds(5)).size(),
                "a redelivered corpus.ingested must not build or announce the dataset twice");
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicAndTheConsumerGoesOn() throws Exception {
        TokenizerSpec auto = TokenizerSpec.newBuilder().setKind(TokenizerKind.TOKENIZER_KIND_WORD).setVocabSize(555).build();
        Function<String, Message> naming = id -> TestPrincipals.byEditor(CorpusIngested.newBuilder().setSchemaVersion(1).setCorpusId(id).setAutoTokenize(auto).build());
        PoisonRecords poison = new PoisonRecords(Topics.CORPUS_INGESTED).sendAll(unique("poison"), naming, naming.apply(unique("no-such-corpus")));
        PoisonRecords.produce(Topics.CORPUS_INGESTED, corpus,
                TestPrincipals.byEditor(CorpusIngested.newBuilder().setSchemaVersion(1).setCorpusId(corpus).setAutoTokenize(auto).build()).toByteArray(), false);

        assertEquals(JobStatus.JOB_STATUS_COMPLETED, awaitBuilt(corpus + "-word-555").getStatus(), "the valid record after the poison is handled");
        poison.assertDeadLettered("tokenizer-service", Duration.ofSeconds(30));
        given().get(management + "health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    private Dataset awaitBuilt(String id) throws InterruptedException {
        Dataset d = null;
        for (int i = 0; i < 240 && (d == null || d.getStatus() == JobStatus.JOB_STATUS_IN_PROGRESS); i++) {
            Thread.sleep(500);
            try {
                d = datasets.getDataset(GetDatasetRequest.newBuilder().setDatasetId(id).build());
            } catch (StatusRuntimeException notYet) {
                assertEquals(Status.Code.NOT_FOUND, notYet.getStatus().getCode());
            }
        }
        return d;
    }

    @Test
    void vocabularySizeZeroKeepsEveryWordOfTheWordTokenizerOnly() throws Exception {
        TokenizerSpec allWords = TokenizerSpec.newBuilder().setKind(TokenizerKind.TOKENIZER_KIND_WORD).setMinCount(5).build();
        Dataset all = build(unique("all-words"), allWords);
        assertEquals(JobStatus.JOB_STATUS_COMPLETED, all.getStatus(), all.getFailureReason());
        String tooMany = unique("too-many");
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> build(tooMany, allWords.toBuilder().setVocabSize(all.getVocabSize() + 1).build()));
        assertTrue(e.getStatus().getDescription().contains("use vocab_size <= " + all.getVocabSize() + ", or 0 for all of them"),
                e.getStatus().getDescription());
        expect(Status.Code.INVALID_ARGUMENT, "vocab_size must be between 1 and 1000000, got 0", () -> datasets.createDataset(CreateDatasetRequest.newBuilder()
                .setCorpusId(corpus).setTokenizer(TokenizerSpec.newBuilder().setKind(TokenizerKind.TOKENIZER_KIND_BPE)).build()));
    }

    @Test
    void badInputGetsAClearStatusAndLeavesNothingBehind() {
        TokenizerSpec word = TokenizerSpec.newBuilder().setKind(TokenizerKind.TOKENIZER_KIND_WORD).setVocabSize(100).build();
        expect(Status.Code.NOT_FOUND, "does not exist", () -> datasets.createDataset(CreateDatasetRequest.newBuilder()
                .setCorpusId(unique("nope")).setTokenizer(word).build()));

        String unfinished = unique("unfinished");
        store.put(ArtifactLayout.shared().corpusSplit(unfinished, "train"), "half written".getBytes(StandardCharsets.UTF_8), "text/plain");
        expect(Status.Code.FAILED_PRECONDITION, "not ready", () -> datasets.createDataset(CreateDatasetRequest.newBuilder()
                .setCorpusId(unfinished).setTokenizer(word).build()));

        expect(Status.Code.INVALID_ARGUMENT, "kind is required", () -> datasets.createDataset(CreateDatasetRequest.newBuilder()
                .setCorpusId(corpus).setTokenizer(TokenizerSpec.newBuilder().setVocabSize(10)).build()));

        String tooLarge = unique("too-large");
        expect(Status.Code.INVALID_ARGUMENT, "too large", () -> build(tooLarge,
                TokenizerSpec.newBuilder().setKind(TokenizerKind.TOKENIZER_KIND_WORD).setVocabSize(900_000).build()));
        Dataset failed = datasets.getDataset(GetDatasetRequest.newBuilder().setDatasetId(tooLarge).build());
        assertEquals(JobStatus.JOB_STATUS_FAILED, failed.getStatus());
        assertEquals("INVALID_ARGUMENT", failed.getFailureCode());
        assertEquals(List.of(ArtifactLayout.shared().datasetStatus(tooLarge)), store.list(ArtifactLayout.shared().datasetPrefix(tooLarge)).stream()
                .map(ArtifactStore.StoredObject::key).toList(), "a failed build keeps its status and nothing else");
        assertTrue(EventProbe.records(Topics.TOKENS_READY, tooLarge, new TokensReadyDeserializer(), Duration.ofSeconds(2)).isEmpty());

        expect(Status.Code.INVALID_ARGUMENT, "cannot hold", () -> build(unique("too-small"),
                TokenizerSpec.newBuilder().setKind(TokenizerKind.TOKENIZER_KIND_BPE).setVocabSize(20).build()));

        expect(Status.Code.INVALID_ARGUMENT, "", () -> build(unique("corrupt"), TokenizerSpec.newBuilder()
                .setKind(TokenizerKind.TOKENIZER_KIND_SENTENCEPIECE_MODEL).setModel(ByteString.copyFromUtf8("not a model")).build()));

        String ready = unique("ready");
        build(ready, word);
        expect(Status.Code.ALREADY_EXISTS, "already exists", () -> build(ready, word));
        expect(Status.Code.INVALID_ARGUMENT, "is empty", () -> datasets.tokenize(TokenizeRequest.newBuilder().setDatasetId(ready).addTexts("").build()));
        expect(Status.Code.INVALID_ARGUMENT, "texts is empty", () -> datasets.tokenize(TokenizeRequest.newBuilder().setDatasetId(ready).build()));
        expect(Status.Code.RESOURCE_EXHAUSTED, "request too large", () -> datasets.tokenize(TokenizeRequest.newBuilder()
                .setDatasetId(ready).addTexts("x".repeat(1_000_001)).build()));
        expect(Status.Code.INVALID_ARGUMENT, "outside the vocabulary", () -> datasets.detokenize(DetokenizeRequest.newBuilder()
                .setDatasetId(ready).addSequences(TokenIds.newBuilder().addIds(100)).build()));
        expect(Status.Code.NOT_FOUND, "does not exist", () -> datasets.tokenize(TokenizeRequest.newBuilder().setDatasetId(unique("none")).addTexts("x").build()));

        given().get(management + "health/ready").then().statusCode(200);
    }

    static void expect(Status.Code code, String messagePart, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(String.valueOf(e.getStatus().getDescription()).contains(messagePart),
                "'" + e.getStatus().getDescription() + "' should mention '" + messagePart + "'");
        assertFalse(String.valueOf(e.getStatus().getDescription()).isBlank());
    }
}
