package dev.lmforge.tokenizer.events;

import dev.lmforge.common.security.TenantKey;
import dev.lmforge.common.security.Tenants;
import com.google.protobuf.Parser;
import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.TokensReady;
import dev.lmforge.common.events.EventSender;
import dev.lmforge.common.events.Topics;
import dev.lmforge.common.events.outbox.Outbox;
import dev.lmforge.common.events.outbox.OutboxTopic;
import dev.lmforge.tokenizer.service.DatasetEvents;
import dev.lmforge.tokenizer.service.DatasetStore;
import dev.lmforge.tokenizer.service.TokenizerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import java.util.Optional;
import java.util.function.BiConsumer;

/** tokens.ready, keyed by dataset id, through the outbox; a send waits for the broker's acknowledgement. */
@ApplicationScoped
public class KafkaDatasetEvents implements DatasetEvents, OutboxTopic<TokensReady> {

    static final int SCHEMA_VERSION = 1;

    private final EventSender<TokensReady> sender;
    private final Outbox outbox;
    private final DatasetStore datasets;

    public KafkaDatasetEvents(@Channel("tokens-ready") Emitter<TokensReady> emitter, TokenizerConfig config, Outbox outbox,
            DatasetStore datasets) {
        this.sender = new EventSender<>(emitter, config.eventAckTimeout());
        this.outbox = outbox;
        this.datasets = datasets;
    }

    @Override
    public void stageTokensReady(String tenant, Dataset complete) {
        outbox.stage(this, TenantKey.encode(tenant, complete.getDatasetId()), event(complete));
    }

    @Override
    public void sendTokensReady(String tenant, String datasetId) {
        outbox.send(this, TenantKey.encode(tenant, datasetId));
    }

    @Override
    public void withdrawTokensReady(String tenant, String datasetId) {
        outbox.withdraw(this, TenantKey.encode(tenant, datasetId));
    }

    @Override
    public String topic() {
        return Topics.TOKENS_READY;
    }

    @Override
    public Parser<TokensReady> parser() {
        return TokensReady.parser();
    }

    @Override
    public void send(String key, TokensReady event) {
        sender.send(key, event);
    }

    /** A build under way (or interrupted, and restarted after a start) ends Completed or Failed. */
    @Override
    public Readiness readiness(String key) {
        TenantKey id = TenantKey.decode(key);
        Optional<Dataset> dataset = datasets.find(id.tenant(), id.id());
        if (dataset.isEmpty()) {
            return Readiness.GONE;
        }
        return switch (dataset.get().getStatus()) {
            case JOB_STATUS_COMPLETED -> Readiness.PUBLISHED;
            case JOB_STATUS_IN_PROGRESS -> Readiness.NOT_YET;
            default -> Readiness.GONE;
        };
    }

    @Override
    public void stageLegacyPending(BiConsumer<String, TokensReady> stage) {
        String after = null;
        do {
            // Events left pending before the outbox are the default tenant's: there were no others then.
            DatasetStore.Page page = datasets.list(Tenants.DEFAULT, after, 100);
            for (Dataset d : page.datasets()) {
                if (d.getStatus() == JobStatus.JOB_STATUS_COMPLETED && !datasets.hasLegacyTokensReadyMarker(Tenants.DEFAULT, d.getDatasetId())) {
                    stage.accept(d.getDatasetId(), event(d));
                }
            }
            after = page.nextStartAfter();
        } while (after != null);
    }

    private static TokensReady event(Dataset dataset) {
        return TokensReady.newBuilder()
                .setSchemaVersion(SCHEMA_VERSION)
                .setDatasetId(dataset.getDatasetId())
                .setCorpusId(dataset.getCorpusId())
                .setLocation(dataset.getLocation())
                .setTokenizer(dataset.getTokenizer().toBuilder().clearModel())
                .setVocabSize(dataset.getVocabSize())
                .setReadyAt(Timestamps.now())
                .setCausedBy(dataset.getCreatedBy())
                .build();
    }
}
