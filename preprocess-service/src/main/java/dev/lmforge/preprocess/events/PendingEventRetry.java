package dev.lmforge.preprocess.events;

import dev.lmforge.preprocess.service.CorpusIngestion;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * At-least-once delivery of corpus.ingested across crashes: once after start-up, look for published
 * corpora whose event is not recorded as sent, then keep retrying them until Kafka takes them.
 */
@ApplicationScoped
public class PendingEventRetry {

    private static final Logger LOG = Logger.getLogger(PendingEventRetry.class);

    private final CorpusIngestion ingestion;
    private final AtomicBoolean scanned = new AtomicBoolean();

    public PendingEventRetry(CorpusIngestion ingestion) {
        this.ingestion = ingestion;
    }

    @Scheduled(every = "${lmforge.preprocess.event-retry-interval:30s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retry() {
        try {
            if (!scanned.get()) {
                ingestion.findPendingEvents();
                scanned.set(true);
            }
            ingestion.retryPendingEvents();
        } catch (RuntimeException e) {
            LOG.warnf("publishing pending corpus.ingested events failed, will retry: %s", e.getMessage());
        }
    }
}
