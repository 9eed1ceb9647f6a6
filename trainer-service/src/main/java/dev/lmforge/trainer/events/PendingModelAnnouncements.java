package dev.lmforge.trainer.events;

import dev.lmforge.trainer.service.JobRunner;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Until it succeeds once after start-up: announce complete models whose model.ready was not recorded. */
@ApplicationScoped
public class PendingModelAnnouncements {

    private static final Logger LOG = Logger.getLogger(PendingModelAnnouncements.class);

    private final JobRunner runner;
    private volatile boolean done;

    public PendingModelAnnouncements(JobRunner runner) {
        this.runner = runner;
    }

    @Scheduled(every = "30s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void announce() {
        if (done) {
            return;
        }
        try {
            runner.announcePendingModels();
            done = true;
        } catch (RuntimeException e) {
            LOG.warnf("announcing pending models failed, will retry: %s", e.getMessage());
        }
    }
}
