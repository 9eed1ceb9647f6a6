package dev.lmforge.tokenizer.service;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicBoolean;

/** After start-up, until it succeeds once: restart the builds a previous process left unfinished. */
@ApplicationScoped
public class UnfinishedBuilds {

    private static final Logger LOG = Logger.getLogger(UnfinishedBuilds.class);

    private final Datasets datasets;
    private final AtomicBoolean restarted = new AtomicBoolean();

    public UnfinishedBuilds(Datasets datasets) {
        this.datasets = datasets;
    }

    @Scheduled(every = "${lmforge.tokenizer.recovery-retry-interval:30s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void restart() {
        if (restarted.get()) {
            return;
        }
        try {
            datasets.restartUnfinishedBuilds();
            restarted.set(true);
        } catch (RuntimeException e) {
            LOG.warnf("restarting unfinished dataset builds failed, will retry: %s", e.getMessage());
        }
    }
}
