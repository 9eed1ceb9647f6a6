package dev.lmforge.preprocess.service;

import dev.lmforge.common.security.TenantKey;
import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.Channel;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.store.AbortableOutputStream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ingestion's all-or-nothing rules, with the store and the event publisher faked. */
class CorpusIngestionTest {

    /** Keeps published corpora in memory; the split text goes nowhere. */
    static final class MemoryStore implements CorpusStore {
        final Map<String, Corpus> published = new TreeMap<>();
        final List<String> deleted = new ArrayList<>();
        boolean deleteFails;
        final List<String> abortedSplits = new ArrayList<>();

        @Override
        public Optional<Corpus> find(String tenant, String corpusId) {
            return Optional.ofNullable(published.get(TenantKey.encode(tenant, corpusId)));
        }

        @Override
        public boolean hasObjects(String tenant, String corpusId) {
            return published.containsKey(TenantKey.encode(tenant, corpusId));
        }

        @Override
        public AbortableOutputStream openSplit(String tenant, String corpusId, Split split) {
            return new AbortableOutputStream() {
                @Override
                public void write(int b) {
                }

                @Override
                public void abort() {
                    abortedSplits.add(TenantKey.encode(tenant, corpusId) + "/" + split.label());
                }
            };
        }

        @Override
        public Corpus.Builder locate(String tenant, Corpus.Builder corpus) {
            return corpus;
        }

        @Override
        public void publish(String tenant, Corpus corpus) {
            published.put(TenantKey.encode(tenant, corpus.getCorpusId()), corpus);
        }

        @Override
        public boolean hasLegacyEventSentMarker(String tenant, String corpusId) {
            return false;
        }

        @Override
        public Page list(String tenant, String startAfter, int limit) {
            return new Page(published.entrySet().stream().filter(e -> TenantKey.decode(e.getKey()).tenant().equals(tenant))
                    .map(Map.Entry::getValue).toList(), null);
        }

        @Override
        public int delete(String tenant, String corpusId) {
            if (deleteFails) {
                throw LmForgeException.unavailable("S3 is unreachable", null);
            }
            String key = TenantKey.encode(tenant, corpusId);
            deleted.add(key);
            return published.remove(key) == null ? 0 : 1;
        }
    }

    /** The outbox faked: what is staged, sent and withdrawn. */
    final class Events implements CorpusEventPublisher {
        final List<String> staged = new ArrayList<>();
        final List<String> sent = new ArrayList<>();
        final List<String> withdrawn = new ArrayList<>();
        boolean down;
        boolean tooLarge;

        @Override
        public void stageCorpusIngested(Corpus corpus) {
            String key = TenantKey.encode(corpus.getCreatedBy().getTenant(), corpus.getCorpusId());
            assertFalse(store.published.containsKey(key), "staged before the corpus is published");
            staged.add(key);
        }

        @Override
        public void sendCorpusIngested(String tenant, String corpusId) {
            assertTrue(staged.contains(TenantKey.encode(tenant, corpusId)));
            if (tooLarge) {
                throw LmForgeException.resourceExhausted("Kafka refused CorpusIngested %s: the record is too large", corpusId);
            }
            if (down) {
                throw LmForgeException.unavailable("Kafka did not acknowledge the event within 30 s", null);
            }
            sent.add(TenantKey.encode(tenant, corpusId));
        }

        @Override
        public void withdrawCorpusIngested(String tenant, String corpusId) {
            withdrawn.add(TenantKey.encode(tenant, corpusId));
        }
    }

    static final Principal OWNER = Principal.newBuilder().setSubject("alice").setTenant("default").setRole("editor").build();
    final MemoryStore store = new MemoryStore();
    final Events events = new Events();
    final CorpusIngestion ingestion = new CorpusIngestion(store, events, (prefixes, tenant) -> {
        throw new UnsupportedOperationException();
    }, PipelineHarness.LANGUAGES, PipelineHarness.STOP_WORDS, new TestConfig(), new SimpleMeterRegistry());

    static CorpusSource oneFile(String text) {
        List<IncomingFile> files = new ArrayList<>(List.of(new IncomingFile("a.txt", Channel.CHANNEL_UNSPECIFIED,
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))));
        return () -> files.isEmpty() ? null : files.remove(0);
    }

    @Test
    void twoTenantsKeepCorporaOfTheSameNameApart() {
        Principal bob = OWNER.toBuilder().setSubject("bob").setTenant("team-b").build();
        Corpus mine = ingestion.ingest(CorpusSpec.newBuilder().setName("same").build(), oneFile("alpha beta"), OWNER);
        Corpus theirs = ingestion.ingest(CorpusSpec.newBuilder().setName("same").build(), oneFile("gamma"), bob);
        assertEquals(2, ingestion.get("default", "same").getStats().getWords());
        assertEquals(1, ingestion.get("team-b", "same").getStats().getWords());
        assertEquals(bob, theirs.getCreatedBy());
        assertEquals(List.of(mine), ingestion.list("default", "", 0).corpora());
        assertEquals(List.of(theirs), ingestion.list("team-b", "", 0).corpora());
        LmForgeException other = assertThrows(LmForgeException.class, () -> ingestion.get("team-c", "same"));
        assertEquals(LmForgeException.Kind.NOT_FOUND, other.kind());
        assertEquals("corpus 'same' does not exist", other.getMessage(), "another tenant's corpus reads as a missing one");
        assertEquals(LmForgeException.Kind.NOT_FOUND, assertThrows(LmForgeException.class, () -> ingestion.delete("team-c", "same")).kind());

        ingestion.delete("team-b", "same");
        assertEquals(mine, ingestion.get("default", "same"));
        assertEquals(List.of("same", "team-b:same"), events.sent);
        assertEquals(List.of("team-b:same"), events.withdrawn);
    }

    @Test
    void aCompleteIngestionPublishesThenAnnouncesOnce() {
        Corpus c = ingestion.ingest(CorpusSpec.newBuilder().setName("c1").build(), oneFile("one\ntwo\nthree"), OWNER);
        assertEquals(OWNER, c.getCreatedBy(), "the corpus records who ingested it");
        assertEquals("c1", c.getCorpusId());
        assertEquals(List.of("c1"), events.staged);
        assertEquals(List.of("c1"), events.sent);
        var e = assertThrows(LmForgeException.class, () -> ingestion.ingest(CorpusSpec.newBuilder().setName("c1").build(), oneFile("x"), OWNER));
        assertEquals(LmForgeException.Kind.ALREADY_EXISTS, e.kind());
        assertEquals(List.of("c1"), events.sent);
    }

    @Test
    void whenKafkaRefusesTheEventTheCorpusIsNotKept() {
        events.down = true;
        var e = assertThrows(LmForgeException.class, () -> ingestion.ingest(CorpusSpec.newBuilder().setName("c2").build(), oneFile("text"), OWNER));
        assertEquals(LmForgeException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("was not kept"), e.getMessage());
        assertFalse(store.published.containsKey("c2"));
        assertTrue(events.sent.isEmpty());
        assertEquals(List.of("c2"), events.withdrawn);
    }

    @Test
    void aCorpusThatCannotBeDiscardedKeepsItsEventPendingForTheOutbox() {
        events.down = true;
        store.deleteFails = true;
        var e = assertThrows(LmForgeException.class, () -> ingestion.ingest(CorpusSpec.newBuilder().setName("c4").build(), oneFile("text"), OWNER));
        assertEquals(LmForgeException.Kind.UNAVAILABLE, e.kind());
        assertTrue(store.published.containsKey("c4"));
        assertEquals(List.of("c4"), events.staged);
        assertTrue(events.withdrawn.isEmpty(), "the drain announces the corpus that stayed");
    }

    @Test
    void deletingACorpusWithdrawsItsPendingEvent() {
        ingestion.ingest(CorpusSpec.newBuilder().setName("c5").build(), oneFile("text"), OWNER);
        ingestion.delete("default", "c5");
        assertEquals(List.of("c5"), events.withdrawn);
    }

    @Test
    void aFailedPipelineLeavesNothing() {
        var e = assertThrows(LmForgeException.class, () -> ingestion.ingest(CorpusSpec.newBuilder().setName("c3").build(), oneFile("\n\n"), OWNER));
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(store.deleted.contains("c3"));
        assertTrue(events.staged.isEmpty());
        assertTrue(events.sent.isEmpty());
    }

    @Test
    void aRefusalThatNoRetryCanFixIsNotReportedAsUnavailable() {
        events.tooLarge = true;
        var e = assertThrows(LmForgeException.class, () -> ingestion.ingest(CorpusSpec.newBuilder().setName("c4").build(), oneFile("text"), OWNER));
        assertEquals(LmForgeException.Kind.RESOURCE_EXHAUSTED, e.kind());
        assertTrue(e.getMessage().contains("was not kept") && e.getMessage().contains("too large"), e.getMessage());
        assertFalse(store.published.containsKey("c4"));
    }

    @Test
    void aCorpusOverTheSizeLimitIsAbortedAndNeverPublished() {
        String overOneMiB = "a line of text that is repeated\n".repeat(40_000);
        var e = assertThrows(LmForgeException.class, () -> ingestion.ingest(CorpusSpec.newBuilder().setName("c5").build(), oneFile(overOneMiB), OWNER));
        assertEquals(LmForgeException.Kind.RESOURCE_EXHAUSTED, e.kind());
        assertTrue(e.getMessage().contains("lmforge.preprocess.max-corpus-bytes"), e.getMessage());
        assertEquals(List.of("c5/train", "c5/validation", "c5/test"), store.abortedSplits, "no split is completed");
        assertTrue(store.deleted.contains("c5"));
        assertFalse(store.published.containsKey("c5"));
        assertTrue(events.sent.isEmpty());
    }

    static final class TestConfig implements PreprocessConfig {
        public int maxLineBytes() { return 1 << 20; }
        public long maxDocumentChars() { return 1 << 24; }
        public int batchDocuments() { return 16; }
        public int maxExactVocabulary() { return 1000; }
        public int languageSampleEvery() { return 16; }
        public int maxLanguageSamples() { return 100; }
        public int topWords() { return 10; }
        public int topWordMaxChars() { return 64; }
        public long maxCorpusBytes() { return 1 << 20; }
        public int maxGzipRatio() { return 100; }
        public long gzipRatioCheckedAfterBytes() { return 1 << 16; }
        public int maxFiles() { return 10; }
        public int uploadBufferBytes() { return 1 << 20; }
        public Duration uploadIdleTimeout() { return Duration.ofSeconds(1); }
        public Duration eventAckTimeout() { return Duration.ofSeconds(1); }
    }
}
