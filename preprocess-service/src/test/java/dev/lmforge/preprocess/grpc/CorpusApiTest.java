package dev.lmforge.preprocess.grpc;

import dev.lmforge.common.testing.TestTokens;
import dev.lmforge.common.security.Role;
import dev.lmforge.api.v1.CleaningOptions;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusIngested;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.api.v1.DeleteCorpusRequest;
import dev.lmforge.api.v1.GetCorpusRequest;
import dev.lmforge.api.v1.ImportCorpusRequest;
import dev.lmforge.api.v1.ListCorporaRequest;
import dev.lmforge.common.events.EventHeaders;
import dev.lmforge.common.events.Topics;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.testing.EventProbe;
import dev.lmforge.preprocess.GzipBomb;
import dev.lmforge.api.v1.FileChunk;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static dev.lmforge.preprocess.grpc.PreprocessClient.Upload.text;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CorpusService API against the real Kafka broker and S3 server that ./lmforge test starts. */
@QuarkusTest
class CorpusApiTest {

    /** Health and metrics: the management interface (plain HTTP, a port of its own), at its root /q/. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    static final String ENGLISH = "The committee adopted the report on the protection of workers after a long debate in the chamber.";
    static final String GERMAN = "Der Ausschuss hat den Bericht über den Schutz der Arbeitnehmer nach einer langen Aussprache angenommen.";

    @TestHTTPResource("/")
    URL root;

    @Inject
    ArtifactStore store;

    PreprocessClient client;

    @BeforeEach
    void connect() {
        client = new PreprocessClient(root);
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        client.close();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Synthetic English-like documents, all different. */
    static String documents(int n, long seed) {
        String[] words = {"parliament", "commission", "report", "member", "states", "council", "vote", "budget", "policy",
                "european", "the", "of", "and", "to", "in", "a", "is", "that", "for", "we"};
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int d = 0; d < n; d++) {
            sb.append("Document ").append(d).append(':');
            for (int w = 0; w < 12 + r.nextInt(20); w++) {
                sb.append(' ').append(words[r.nextInt(words.length)]);
            }
            sb.append(".\n");
        }
        return sb.toString();
    }

    @Test
    void ingestionRoundTripWritesS3AndEmitsOneEvent() throws Exception {
        String id = unique("roundtrip");
        Corpus corpus = client.ingest(CorpusSpec.newBuilder().setName(id).build(), text("a.txt", documents(400, 1)));

        assertEquals(id, corpus.getCorpusId());
        assertEquals(400, corpus.getStats().getDocuments());
        long train = corpus.getStats().getSplitsOrThrow("train").getLines();
        assertTrue(train > 300, "train lines " + train);
        ArtifactLayout layout = ArtifactLayout.shared();
        for (String object : List.of(layout.corpusSplit(id, "train"), layout.corpusSplit(id, "validation"), layout.corpusSplit(id, "test"),
                layout.corpusStats(id), layout.corpusManifest(id))) {
            assertTrue(store.exists(object), object + " missing");
        }
        try (InputStream in = store.open(layout.corpusSplit(id, "train"))) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(train, text.lines().count());
            assertEquals(corpus.getStats().getSplitsOrThrow("train").getBytes(), text.getBytes(StandardCharsets.UTF_8).length);
        }
        assertEquals("s3://" + store.bucket() + "/" + corpus.getSplitsOrThrow("train").getKey(),
                "s3://" + corpus.getSplitsOrThrow("train").getBucket() + "/" + corpus.getSplitsOrThrow("train").getKey());

        List<ConsumerRecord<String, CorpusIngested>> events = EventProbe.records(Topics.CORPUS_INGESTED, id,
                new CorpusIngestedDeserializer(), Duration.ofSeconds(4));
        assertEquals(1, events.size(), "exactly one corpus.ingested event");
        CorpusIngested event = events.get(0).value();
        assertEquals(id, event.getCorpusId());
        assertEquals(1, event.getSchemaVersion());
        assertEquals(corpus.getLocation(), event.getLocation());
        assertEquals(corpus.getStats(), event.getStats());
        assertEquals(EventHeaders.PROTOBUF, new String(events.get(0).headers().lastHeader(EventHeaders.CONTENT_TYPE).value(), StandardCharsets.UTF_8));

        assertEquals(corpus, client.corpora.getCorpus(GetCorpusRequest.newBuilder().setCorpusId(id).build()));
        assertTrue(client.corpora.listCorpora(ListCorporaRequest.newBuilder().setPageSize(100).build()).getCorporaList().stream()
                .anyMatch(c -> c.getCorpusId().equals(id)) || listAll().contains(id));

        // Another tenant's admin: the corpus answers as a missing one, and is listed nowhere.
        try (PreprocessClient otherTenant = new PreprocessClient(root, TestTokens.as(Role.ADMIN, "team-b"))) {
            String missing = expectStatus(Status.Code.NOT_FOUND, "does not exist",
                    () -> client.corpora.getCorpus(GetCorpusRequest.newBuilder().setCorpusId(id + "-missing").build()));
            assertEquals(missing.replace(id + "-missing", id), expectStatus(Status.Code.NOT_FOUND, "does not exist",
                    () -> otherTenant.corpora.getCorpus(GetCorpusRequest.newBuilder().setCorpusId(id).build())));
            expectStatus(Status.Code.NOT_FOUND, "does not exist",
                    () -> otherTenant.corpora.deleteCorpus(DeleteCorpusRequest.newBuilder().setCorpusId(id).build()));
            assertFalse(otherTenant.corpora.listCorpora(ListCorporaRequest.newBuilder().setPageSize(100).build()).getCorporaList().stream()
                    .anyMatch(c -> c.getCorpusId().equals(id)));
        }

        int deleted = client.corpora.deleteCorpus(DeleteCorpusRequest.newBuilder().setCorpusId(id).build()).getObjectsDeleted();
        assertTrue(deleted >= 5);
        expectStatus(Status.Code.NOT_FOUND, "does not exist", () -> client.corpora.getCorpus(GetCorpusRequest.newBuilder().setCorpusId(id).build()));
    }

    private List<String> listAll() {
        List<String> ids = new java.util.ArrayList<>();
        String token = "";
        do {
            var page = client.corpora.listCorpora(ListCorporaRequest.newBuilder().setPageSize(2).setPageToken(token).build());
            page.getCorporaList().forEach(c -> ids.add(c.getCorpusId()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return ids;
    }

    @Test
    void listingPagesThroughEveryCorpus() {
        String a = unique("page-a");
        String b = unique("page-b");
        client.ingest(CorpusSpec.newBuilder().setName(a).build(), text("a.txt", documents(20, 2)));
        client.ingest(CorpusSpec.newBuilder().setName(b).build(), text("b.txt", documents(20, 3)));
        List<String> ids = listAll();
        assertTrue(ids.contains(a) && ids.contains(b), ids.toString());
        assertEquals(ids.stream().distinct().count(), ids.size(), "a corpus listed twice: " + ids);
        expectStatus(Status.Code.INVALID_ARGUMENT, "page_size", () -> client.corpora.listCorpora(ListCorporaRequest.newBuilder().setPageSize(1000).build()));
    }

    @Test
    void theSameInputGivesTheSameSplit() throws Exception {
        String input = documents(300, 4);
        Corpus one = client.ingest(CorpusSpec.newBuilder().setName(unique("det-a")).build(), text("x.txt", input));
        Corpus two = client.ingest(CorpusSpec.newBuilder().setName(unique("det-b")).build(), text("y.txt", input));
        for (String split : List.of("train", "validation", "test")) {
            assertEquals(read(one, split), read(two, split), split);
        }
    }

    private String read(Corpus c, String split) throws Exception {
        try (InputStream in = store.open(new dev.lmforge.common.store.S3Uri(c.getSplitsOrThrow(split).getBucket(), c.getSplitsOrThrow(split).getKey()))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void stopWordsAndLanguageFilterAreOptions() {
        String input = ENGLISH + "\n" + GERMAN + "\n";
        Corpus plain = client.ingest(CorpusSpec.newBuilder().setName(unique("plain")).build(), text("m.txt", input));
        assertEquals(2, plain.getStats().getDocuments());
        assertEquals(0, plain.getStats().getStopwordsRemoved());

        Corpus filtered = client.ingest(CorpusSpec.newBuilder().setName(unique("filtered")).setCleaning(CleaningOptions.newBuilder()
                .addLanguages("en").setRemoveStopwords(true)).build(), text("m.txt", input));
        assertEquals(1, filtered.getStats().getDocuments());
        assertEquals(1, filtered.getStats().getDroppedDocumentsOrThrow("language"));
        assertEquals(9, filtered.getStats().getStopwordsRemoved());
        assertFalse(filtered.getStats().getTopWordsList().stream().anyMatch(w -> w.getWord().equals("the")));
    }

    @Test
    void importsFromAnS3Prefix() {
        // The default tenant's own import prefix: the default allow-list.
        String prefix = "imports/default/" + UUID.randomUUID() + "/";
        store.put(prefix + "part-1.txt", documents(50, 5).getBytes(StandardCharsets.UTF_8), "text/plain");
        store.put(prefix + "part-2.txt", documents(50, 6).getBytes(StandardCharsets.UTF_8), "text/plain");
        String uri = "s3://" + store.bucket() + "/" + store.key(prefix);
        Corpus corpus = client.corpora.importCorpus(ImportCorpusRequest.newBuilder()
                .setSpec(CorpusSpec.newBuilder().setName(unique("imported"))).setSourceUri(uri).build());
        assertEquals(2, corpus.getSourcesCount());
        assertEquals(100, corpus.getStats().getDocuments());

        Corpus channels = client.corpora.importCorpus(ImportCorpusRequest.newBuilder()
                .setSpec(CorpusSpec.newBuilder().setName(unique("channels"))).setTrainUri(uri + "part-1").setValidationUri(uri + "part-2").build());
        assertEquals(50, channels.getStats().getSplitsOrThrow("train").getDocuments());
        assertEquals(50, channels.getStats().getSplitsOrThrow("validation").getDocuments());

        expectStatus(Status.Code.INVALID_ARGUMENT, "no objects under", () -> client.corpora.importCorpus(ImportCorpusRequest.newBuilder()
                .setSpec(CorpusSpec.newBuilder().setName(unique("nothing"))).setSourceUri(uri + "nothing-here/").build()));
        expectStatus(Status.Code.INVALID_ARGUMENT, "not an S3 URI", () -> client.corpora.importCorpus(ImportCorpusRequest.newBuilder()
                .setSpec(CorpusSpec.newBuilder().setName(unique("bad-uri"))).setSourceUri("/etc/passwd").build()));
    }

    @Test
    void importsOnlyFromTheTenantsAllowedPrefixes() {
        String own = "s3://" + store.bucket() + "/" + store.key("imports/default/");
        for (String outside : List.of("s3://some-other-bucket/", "s3://" + store.bucket() + "/" + store.key("datasets/"),
                "s3://" + store.bucket() + "/" + store.key("imports/team-b/x/"), "s3://" + store.bucket() + "/")) {
            expectStatus(Status.Code.PERMISSION_DENIED, own, () -> client.corpora.importCorpus(ImportCorpusRequest.newBuilder()
                    .setSpec(CorpusSpec.newBuilder().setName(unique("outside"))).setSourceUri(outside).build()));
            expectStatus(Status.Code.PERMISSION_DENIED, "outside what tenant 'default' may import", () -> client.corpora.importCorpus(
                    ImportCorpusRequest.newBuilder().setSpec(CorpusSpec.newBuilder().setName(unique("outside")))
                            .setTrainUri(own + "x/").setValidationUri(outside).build()));
        }
        for (String malformed : List.of(own + "../corpora/", "s3://", "s3:///imports/", "s3://Bad_Bucket/x", own + "a//b")) {
            expectStatus(Status.Code.INVALID_ARGUMENT, "S3 URI", () -> client.corpora.importCorpus(ImportCorpusRequest.newBuilder()
                    .setSpec(CorpusSpec.newBuilder().setName(unique("malformed"))).setSourceUri(malformed).build()));
        }
    }

    @Test
    void aLargeUploadStreamsThroughMultipartObjects() {
        String big = documents(120_000, 7);
        assertTrue(big.length() > 9 * 1024 * 1024, "test input should exceed one 8 MiB part");
        Corpus corpus = client.ingest(CorpusSpec.newBuilder().setName(unique("large")).build(), text("big.txt", big));
        assertEquals(big.getBytes(StandardCharsets.UTF_8).length, corpus.getStats().getInputBytes());
        assertEquals(120_000, corpus.getStats().getDocuments());
    }

    @Test
    void badInputGetsAClearStatusAndLeavesNothingBehind() {
        expectStatus(Status.Code.INVALID_ARGUMENT, "no files", () -> client.ingest(CorpusSpec.newBuilder().setName(unique("empty")).build()));
        expectStatus(Status.Code.INVALID_ARGUMENT, "upload is empty", () -> client.ingest(null));

        String binary = unique("binary");
        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0};
        expectStatus(Status.Code.INVALID_ARGUMENT, "looks binary", () -> client.ingest(CorpusSpec.newBuilder().setName(binary).build(),
                text("good.txt", documents(10, 8)), new PreprocessClient.Upload("ls", dev.lmforge.api.v1.Channel.CHANNEL_UNSPECIFIED, elf)));
        assertFalse(store.hasAny(ArtifactLayout.shared().corpusPrefix(binary)), "a failed ingestion left objects behind");
        assertTrue(EventProbe.records(Topics.CORPUS_INGESTED, binary, new CorpusIngestedDeserializer(), Duration.ofSeconds(2)).isEmpty());

        byte[] latin1 = "caf\u00e9 cr\u00e8me\n".getBytes(StandardCharsets.ISO_8859_1);
        expectStatus(Status.Code.INVALID_ARGUMENT, "not UTF-8 text", () -> client.ingest(CorpusSpec.newBuilder().setName(unique("latin1")).build(),
                new PreprocessClient.Upload("latin1.txt", dev.lmforge.api.v1.Channel.CHANNEL_UNSPECIFIED, latin1)));

        byte[] someInvalid = concat(documents(10, 9).getBytes(StandardCharsets.UTF_8), latin1);
        Corpus partly = client.ingest(CorpusSpec.newBuilder().setName(unique("partly")).build(),
                new PreprocessClient.Upload("partly.txt", dev.lmforge.api.v1.Channel.CHANNEL_UNSPECIFIED, someInvalid));
        assertEquals(1, partly.getStats().getDroppedLinesOrThrow("invalid_utf8"));

        Corpus withEmpty = client.ingest(CorpusSpec.newBuilder().setName(unique("with-empty")).build(),
                text("good.txt", documents(10, 10)), text("empty.txt", ""));
        assertTrue(withEmpty.getWarningsList().contains("file 'empty.txt' is empty and was skipped"), withEmpty.getWarningsList().toString());

        expectStatus(Status.Code.NOT_FOUND, "does not exist", () -> client.corpora.getCorpus(GetCorpusRequest.newBuilder().setCorpusId(unique("unknown")).build()));
        expectStatus(Status.Code.NOT_FOUND, "does not exist", () -> client.corpora.deleteCorpus(DeleteCorpusRequest.newBuilder().setCorpusId(unique("unknown")).build()));
        expectStatus(Status.Code.INVALID_ARGUMENT, "is invalid", () -> client.ingest(CorpusSpec.newBuilder().setName("not_a_name!").build(), text("a.txt", "x")));
        expectStatus(Status.Code.INVALID_ARGUMENT, "'../x' is invalid", () -> client.ingest(CorpusSpec.newBuilder().setName("../x").build(), text("a.txt", "x")));
        expectStatus(Status.Code.INVALID_ARGUMENT, "is invalid", () -> client.corpora.getCorpus(GetCorpusRequest.newBuilder().setCorpusId("../../etc").build()));

        String dup = unique("dup");
        client.ingest(CorpusSpec.newBuilder().setName(dup).build(), text("a.txt", documents(5, 11)));
        expectStatus(Status.Code.ALREADY_EXISTS, "already exists", () -> client.ingest(CorpusSpec.newBuilder().setName(dup).build(), text("a.txt", "other")));
        assertEquals(1, EventProbe.records(Topics.CORPUS_INGESTED, dup, new CorpusIngestedDeserializer(), Duration.ofSeconds(3)).size());

        given().get(management + "health/ready").then().statusCode(200);
    }

    @Test
    void aGzipBombIsRefusedWhileItStreamsAndLeavesNothing() throws Exception {
        String id = unique("bomb");
        GzipBomb bomb = new GzipBomb(1L << 30);
        String refusal = expectStatus(Status.Code.INVALID_ARGUMENT, "lmforge.preprocess.max-gzip-ratio",
                () -> client.ingest(CorpusSpec.newBuilder().setName(id).build(), "bomb.txt.gz", bomb));
        // The client sends without waiting for the server, so what it generated says nothing; the service says how far it inflated.
        java.util.regex.Matcher inflated = java.util.regex.Pattern.compile("expanded to (\\d+) bytes").matcher(refusal);
        assertTrue(inflated.find(), refusal);
        assertTrue(Long.parseLong(inflated.group(1)) < 32L << 20, refusal);
        assertFalse(store.hasAny(ArtifactLayout.shared().corpusPrefix(id)), "a refused bomb left objects behind");
        assertTrue(EventProbe.records(Topics.CORPUS_INGESTED, id, new CorpusIngestedDeserializer(), Duration.ofSeconds(2)).isEmpty());
    }

    @Test
    void anIdleUploadFailsWithDeadlineExceededAndLeavesNothing() {
        // The test profile sets lmforge.preprocess.upload-idle-timeout to 5 s.
        PreprocessClient.OpenUpload silent = client.open();
        expectStatus(Status.Code.DEADLINE_EXCEEDED, "no corpus spec for 5 s", silent::await);

        String id = unique("idle");
        PreprocessClient.OpenUpload stalled = client.open();
        stalled.send(CorpusSpec.newBuilder().setName(id).build());
        stalled.send(FileChunk.newBuilder().setFileName("a.txt").setData(ByteString.copyFromUtf8(documents(10, 12))).build());
        long started = System.nanoTime();
        expectStatus(Status.Code.DEADLINE_EXCEEDED, "lmforge.preprocess.upload-idle-timeout", stalled::await);
        assertTrue(System.nanoTime() - started < 30_000_000_000L, "failed after about the idle timeout");
        assertFalse(store.hasAny(ArtifactLayout.shared().corpusPrefix(id)), "an idle upload left objects behind");
        assertTrue(EventProbe.records(Topics.CORPUS_INGESTED, id, new CorpusIngestedDeserializer(), Duration.ofSeconds(2)).isEmpty());
        expectStatus(Status.Code.NOT_FOUND, "does not exist", () -> client.corpora.getCorpus(GetCorpusRequest.newBuilder().setCorpusId(id).build()));
    }

    @Test
    void aCorpusOfHugeWordsIsAnnouncedByASmallEvent() {
        StringBuilder input = new StringBuilder();
        for (int w = 0; w < 60; w++) {
            input.append(String.valueOf((char) ('a' + w % 26)).repeat(100_000)).append(w).append('\n');
        }
        String id = unique("long-words");
        Corpus corpus = client.ingest(CorpusSpec.newBuilder().setName(id).build(), text("long.txt", input.toString()));
        assertEquals(60, corpus.getStats().getVocabularySize());

        List<ConsumerRecord<String, CorpusIngested>> events = EventProbe.records(Topics.CORPUS_INGESTED, id,
                new CorpusIngestedDeserializer(), Duration.ofSeconds(4));
        assertEquals(1, events.size());
        CorpusIngested event = events.get(0).value();
        assertTrue(event.getSerializedSize() < 16 * 1024, "corpus.ingested of " + event.getSerializedSize() + " bytes");
        assertEquals(50, event.getStats().getTopWordsCount());
        assertTrue(event.getStats().getTopWordsList().stream().allMatch(w -> w.getWord().length() <= 64));
    }

    @Test
    void hostileChunksAreInvalidArguments() {
        expectStatus(Status.Code.INVALID_ARGUMENT, "its channel is unknown",
                () -> upload(unique("channel"), FileChunk.newBuilder().setFileName("a.txt").setChannelValue(7)));
        expectStatus(Status.Code.INVALID_ARGUMENT, "holds a control character",
                () -> upload(unique("nul"), FileChunk.newBuilder().setFileName("a\u0000.txt")));
        expectStatus(Status.Code.INVALID_ARGUMENT, "document_boundary 42 is unknown",
                () -> client.ingest(CorpusSpec.newBuilder().setName(unique("boundary")).setDocumentBoundaryValue(42).build(), text("a.txt", "x")));
    }

    private Corpus upload(String id, FileChunk.Builder chunk) {
        PreprocessClient.OpenUpload upload = client.open();
        upload.send(CorpusSpec.newBuilder().setName(id).build());
        upload.send(chunk.setData(ByteString.copyFromUtf8(documents(3, 13))).build());
        upload.requests().onCompleted();
        return upload.await();
    }

    /** Returns the status's description. */
    static String expectStatus(Status.Code code, String messagePart, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(String.valueOf(e.getStatus().getDescription()).contains(messagePart),
                "'" + e.getStatus().getDescription() + "' should mention '" + messagePart + "'");
        return e.getStatus().getDescription();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
