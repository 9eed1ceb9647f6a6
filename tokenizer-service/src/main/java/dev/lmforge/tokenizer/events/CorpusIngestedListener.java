package dev.lmforge.tokenizer.events;

import dev.lmforge.api.v1.CorpusIngested;
import dev.lmforge.api.v1.TokenizerKind;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.tokenizer.service.Datasets;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Auto mode: a corpus ingested with an auto-tokenize spec gets its dataset without a call. The
 * handler only records the dataset and queues its build (seconds at most), so the consumer never
 * sits on a record for long; a redelivered event finds the dataset and builds nothing.
 */
@ApplicationScoped
public class CorpusIngestedListener {

    private static final Logger LOG = Logger.getLogger(CorpusIngestedListener.class);
    private static final int ATTEMPTS = 5;

    private final Datasets datasets;

    public CorpusIngestedListener(Datasets datasets) {
        this.datasets = datasets;
    }

    @Incoming("corpus-ingested")
    @Blocking
    public void onCorpusIngested(CorpusIngested event) throws InterruptedException {
        if (event == null) {
            LOG.warn("skipped a corpus.ingested record that is not a valid CorpusIngested message");
            return;
        }
        if (!event.hasAutoTokenize() || event.getAutoTokenize().getKind() == TokenizerKind.TOKENIZER_KIND_UNSPECIFIED) {
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                datasets.createForCorpus(event.getCorpusId(), event.getAutoTokenize());
                return;
            } catch (LmForgeException e) {
                if (e.kind() != LmForgeException.Kind.UNAVAILABLE) {
                    // A spec or corpus that cannot be built now will not be built by retrying it.
                    LOG.warnf("corpus %s: automatic dataset not built: %s", event.getCorpusId(), e.getMessage());
                    return;
                }
                if (attempt == ATTEMPTS) {
                    // Not acknowledged: the channel fails, the service reports DOWN and, restarted,
                    // receives the event again.
                    throw e;
                }
                LOG.warnf("corpus %s: automatic dataset not recorded yet (%s); retrying", event.getCorpusId(), e.getMessage());
                Thread.sleep(1000L << attempt);
            }
        }
    }
}
