package dev.lmforge.tokenizer.events;

import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.TokensReady;
import dev.lmforge.common.events.EventSender;
import dev.lmforge.tokenizer.service.DatasetEvents;
import dev.lmforge.tokenizer.service.TokenizerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;


/** Publishes tokens.ready, keyed by dataset id, and waits for the broker's acknowledgement. */
@ApplicationScoped
public class KafkaDatasetEvents implements DatasetEvents {

    static final int SCHEMA_VERSION = 1;

    private final EventSender<TokensReady> sender;

    public KafkaDatasetEvents(@Channel("tokens-ready") Emitter<TokensReady> emitter, TokenizerConfig config) {
        this.sender = new EventSender<>(emitter, config.eventAckTimeout());
    }

    @Override
    public void tokensReady(Dataset dataset) {
        TokensReady event = TokensReady.newBuilder()
                .setSchemaVersion(SCHEMA_VERSION)
                .setDatasetId(dataset.getDatasetId())
                .setCorpusId(dataset.getCorpusId())
                .setLocation(dataset.getLocation())
                .setTokenizer(dataset.getTokenizer().toBuilder().clearModel())
                .setVocabSize(dataset.getVocabSize())
                .setReadyAt(Timestamps.now())
                .build();
        sender.send(dataset.getDatasetId(), event);
    }
}
