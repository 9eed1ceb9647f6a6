package dev.lmforge.preprocess.events;

import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.CorpusIngested;
import dev.lmforge.common.events.EventSender;
import dev.lmforge.preprocess.service.CorpusEventPublisher;
import dev.lmforge.preprocess.service.PreprocessConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;


/** Publishes corpus.ingested, keyed by corpus id, and waits for the broker's acknowledgement. */
@ApplicationScoped
public class KafkaCorpusEventPublisher implements CorpusEventPublisher {

    static final int SCHEMA_VERSION = 1;

    private final EventSender<CorpusIngested> sender;

    public KafkaCorpusEventPublisher(@Channel("corpus-ingested") Emitter<CorpusIngested> emitter, PreprocessConfig config) {
        this.sender = new EventSender<>(emitter, config.eventAckTimeout());
    }

    @Override
    public void corpusIngested(Corpus corpus) {
        CorpusIngested.Builder event = CorpusIngested.newBuilder()
                .setSchemaVersion(SCHEMA_VERSION)
                .setCorpusId(corpus.getCorpusId())
                .setLocation(corpus.getLocation())
                .setStats(corpus.getStats())
                .setIngestedAt(Timestamps.now());
        if (corpus.getSpec().hasAutoTokenize()) {
            event.setAutoTokenize(corpus.getSpec().getAutoTokenize());
        }
        sender.send(corpus.getCorpusId(), event.build());
    }
}
