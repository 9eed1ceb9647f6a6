package dev.lmforge.tokenizer.events;

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
    public void stageTokensReady(Dataset complete) {
        outbox.stage(this, complete.getDatasetId(), event(complete));
    }

    @Override
    public void sendTokensReady(String datasetId) {
        outbox.send(this, datasetId);
    }

    @Override
    public void withdrawTokensReady(String datasetId) {
        outbox.withdraw(this, datasetId);
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
    public void send(String datasetId, TokensReady event) {
        sender.send(datasetId, event);
    }

    /** A build under way (or interrupted, and restarted after a start) ends Completed or Failed. */
    @Override
    public Readiness readiness(String datasetId) {
        Optional<Dataset> dataset = datasets.find(datasetId);
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
            DatasetStore.Page page = datasets.list(after, 100);
            for (Dataset d : page.datasets()) {
                if (d.getStatus() == JobStatus.JOB_STATUS_COMPLETED && !datasets.hasLegacyTokensReadyMarker(d.getDatasetId())) {
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
