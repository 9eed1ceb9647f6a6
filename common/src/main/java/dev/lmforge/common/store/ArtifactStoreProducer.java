package dev.lmforge.common.store;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.Optional;

@ApplicationScoped
public class ArtifactStoreProducer {

    private static final Logger LOG = Logger.getLogger(ArtifactStoreProducer.class);

    @Produces
    @Singleton
    ArtifactStore artifactStore(S3Client s3, StoreConfig config,
            @ConfigProperty(name = "quarkus.s3.endpoint-override") Optional<String> endpoint) {
        return new ArtifactStore(s3, config.bucket(), config.prefix().orElse(""), endpoint.orElse("AWS"));
    }

    /** A service whose S3 is down still starts: it reports not-ready until S3 answers. */
    void createBucket(@Observes StartupEvent start, ArtifactStore store, StoreConfig config) {
        if (!config.createBucket()) {
            return;
        }
        try {
            store.ensureBucket();
        } catch (RuntimeException e) {
            LOG.warnf("could not check or create bucket %s: %s", config.bucket(), e.getMessage());
        }
    }
}
