package dev.lmforge.tokenizer.events;

import dev.lmforge.api.v1.CorpusIngested;
import dev.lmforge.api.v1.TokenizerKind;
import dev.lmforge.common.events.EventConsumer;
import dev.lmforge.common.events.ProtoEventDeserializer;
import dev.lmforge.tokenizer.service.Datasets;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Auto mode: a corpus ingested with an auto-tokenize spec gets its dataset without a call. The
 * handler only records the dataset and queues its build (seconds at most), so the consumer never
 * sits on a record for long; a redelivered event finds the dataset and builds nothing. An event that
 * names an invalid or missing corpus goes to the dead-letter topic.
 */
@ApplicationScoped
public class CorpusIngestedListener {

    private static final ProtoEventDeserializer<CorpusIngested> DECODER = new ProtoEventDeserializer<>(CorpusIngested.getDefaultInstance());

    private final Datasets datasets;
    private final EventConsumer consumer;

    public CorpusIngestedListener(Datasets datasets, EventConsumer consumer) {
        this.datasets = datasets;
        this.consumer = consumer;
    }

    @Incoming("corpus-ingested")
    public Uni<Void> onCorpusIngested(Message<byte[]> record) {
        return consumer.consume(record, DECODER, this::handle);
    }

    void handle(CorpusIngested event) {
        if (!event.hasAutoTokenize() || event.getAutoTokenize().getKind() == TokenizerKind.TOKENIZER_KIND_UNSPECIFIED) {
            return;
        }
        // The automatic dataset is built on behalf of whoever ingested the corpus.
        datasets.createForCorpus(event.getCorpusId(), event.getAutoTokenize(), event.getCausedBy());
    }
}
