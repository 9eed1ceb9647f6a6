package dev.lmforge.preprocess.events;

import com.google.protobuf.Parser;
import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusIngested;
import dev.lmforge.common.events.EventSender;
import dev.lmforge.common.events.Topics;
import dev.lmforge.common.events.outbox.Outbox;
import dev.lmforge.common.events.outbox.OutboxTopic;
import dev.lmforge.common.security.TenantKey;
import dev.lmforge.common.security.Tenants;
import dev.lmforge.preprocess.service.CorpusEventPublisher;
import dev.lmforge.preprocess.service.CorpusStore;
import dev.lmforge.preprocess.service.PreprocessConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import java.util.function.BiConsumer;

/** corpus.ingested, keyed by tenant and corpus id ({@link TenantKey}), through the outbox; a send waits for the broker's acknowledgement. */
@ApplicationScoped
public class KafkaCorpusEvents implements CorpusEventPublisher, OutboxTopic<CorpusIngested> {

    static final int SCHEMA_VERSION = 1;

    private final EventSender<CorpusIngested> sender;
    private final Outbox outbox;
    private final CorpusStore corpora;

    public KafkaCorpusEvents(@Channel("corpus-ingested") Emitter<CorpusIngested> emitter, PreprocessConfig config, Outbox outbox,
            CorpusStore corpora) {
        this.sender = new EventSender<>(emitter, config.eventAckTimeout());
        this.outbox = outbox;
        this.corpora = corpora;
    }

    @Override
    public void stageCorpusIngested(Corpus corpus) {
        outbox.stage(this, TenantKey.encode(corpus.getCreatedBy().getTenant(), corpus.getCorpusId()), event(corpus));
    }

    @Override
    public void sendCorpusIngested(String tenant, String corpusId) {
        outbox.send(this, TenantKey.encode(tenant, corpusId));
    }

    @Override
    public void withdrawCorpusIngested(String tenant, String corpusId) {
        outbox.withdraw(this, TenantKey.encode(tenant, corpusId));
    }

    @Override
    public String topic() {
        return Topics.CORPUS_INGESTED;
    }

    @Override
    public Parser<CorpusIngested> parser() {
        return CorpusIngested.parser();
    }

    @Override
    public void send(String key, CorpusIngested event) {
        sender.send(key, event);
    }

    /** Objects without a manifest: an ingestion under way, or the leftovers of one that died, which the next one removes. */
    @Override
    public Readiness readiness(String key) {
        TenantKey corpus = TenantKey.decode(key);
        if (corpora.find(corpus.tenant(), corpus.id()).isPresent()) {
            return Readiness.PUBLISHED;
        }
        return corpora.hasObjects(corpus.tenant(), corpus.id()) ? Readiness.NOT_YET : Readiness.GONE;
    }

    @Override
    public void stageLegacyPending(BiConsumer<String, CorpusIngested> stage) {
        String after = null;
        do {
            // Events left pending before the outbox are the default tenant's: there were no others then.
            CorpusStore.Page page = corpora.list(Tenants.DEFAULT, after, 100);
            for (Corpus c : page.corpora()) {
                if (!corpora.hasLegacyEventSentMarker(Tenants.DEFAULT, c.getCorpusId())) {
                    stage.accept(c.getCorpusId(), event(c));
                }
            }
            after = page.nextStartAfter();
        } while (after != null);
    }

    private static CorpusIngested event(Corpus corpus) {
        CorpusIngested.Builder event = CorpusIngested.newBuilder()
                .setSchemaVersion(SCHEMA_VERSION)
                .setCorpusId(corpus.getCorpusId())
                .setLocation(corpus.getLocation())
                .setStats(corpus.getStats())
                .setIngestedAt(Timestamps.now())
                .setCausedBy(corpus.getCreatedBy());
        if (corpus.getSpec().hasAutoTokenize()) {
            event.setAutoTokenize(corpus.getSpec().getAutoTokenize());
        }
        return event.build();
    }
}
