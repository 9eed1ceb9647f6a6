package dev.lmforge.inference.service;

import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.naming.ResourceNames;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Endpoint changes across replicas. The replica that gets SetEndpointModel loads the versions,
 * records the endpoint in S3 and announces the change; every replica (itself included) follows an
 * announcement by reading the endpoint's record from S3, so a change reaches every replica whichever
 * one got the call, and reading an old announcement again changes nothing.
 */
@ApplicationScoped
public class Endpoints {

    private static final Logger LOG = Logger.getLogger(Endpoints.class);

    private final ModelRegistry registry;
    private final ModelStore store;
    private final EndpointChanges changes;

    public Endpoints(ModelRegistry registry, ModelStore store, EndpointChanges changes) {
        this.registry = registry;
        this.store = store;
        this.changes = changes;
    }

    /** Points the endpoint here, then tells the other replicas, naming who changed it. */
    public Endpoint set(Endpoint endpoint, Principal changedBy) {
        Endpoint set = registry.setEndpoint(endpoint);
        try {
            changes.announce(set, changedBy);
        } catch (LmForgeException e) {
            throw LmForgeException.unavailable("endpoint " + set.getName() + " is switched here and recorded, but the other replicas could "
                    + "not be told (" + e.getMessage() + "); they follow at their next start: call SetEndpointModel again to tell them now", e);
        }
        return set;
    }

    /** An announced change: serve what the endpoint's record says now. */
    public void follow(String endpointName) {
        ResourceNames.requireValid("endpoint name", endpointName);
        Endpoint recorded = store.endpoint(endpointName).orElse(null);
        if (recorded == null) {
            LOG.debugf("endpoint %s has no record (here): nothing to follow", endpointName);
        } else if (!recorded.equals(registry.endpoint(endpointName).orElse(null))) {
            registry.setEndpoint(recorded);
            LOG.infof("endpoint %s follows a change made on another replica: %s", endpointName, recorded.getModelVersion());
        }
    }
}
