package dev.lmforge.tokenizer.events;

import dev.lmforge.tokenizer.service.Datasets;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * After start-up, once: restart the builds a previous process left unfinished and find complete
 * datasets not yet announced; then keep retrying the announcements until Kafka takes them.
 */
@ApplicationScoped
public class PendingWork {

    private static final Logger LOG = Logger.getLogger(PendingWork.class);

    private final Datasets datasets;
    private final AtomicBoolean recovered = new AtomicBoolean();

    public PendingWork(Datasets datasets) {
        this.datasets = datasets;
    }

    @Scheduled(every = "${lmforge.tokenizer.event-retry-interval:30s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        try {
            if (!recovered.get()) {
                datasets.recover();
                recovered.set(true);
            }
            datasets.retryPendingEvents();
        } catch (RuntimeException e) {
            LOG.warnf("recovering unfinished datasets failed, will retry: %s", e.getMessage());
        }
    }
}
