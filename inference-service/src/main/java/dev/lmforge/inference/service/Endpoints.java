package dev.lmforge.inference.service;

import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.naming.ResourceNames;
import dev.lmforge.common.security.TenantKey;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Endpoint changes across replicas. The replica that gets SetEndpointModel loads the versions,
 * records the endpoint in S3 and announces the change; every replica (itself included) follows an
 * announcement by reading the endpoint's record from S3, so a change reaches every replica whichever
 * one got the call, and reading an old announcement again changes nothing. An endpoint is its
 * tenant's: the announcement's principal names the tenant, and followers read that tenant's record.
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

    /** Points the tenant's endpoint here, then tells the other replicas, naming who changed it (a principal of that tenant). */
    public Endpoint set(String tenant, Endpoint endpoint, Principal changedBy) {
        // Followers take the tenant from the announcement's principal: one of another tenant would switch the wrong endpoint.
        if (!tenant.equals(changedBy.getTenant())) {
            throw new IllegalArgumentException("endpoint of tenant " + tenant + " changed by a principal of tenant " + changedBy.getTenant());
        }
        Endpoint set = registry.setEndpoint(tenant, endpoint);
        try {
            changes.announce(tenant, set, changedBy);
        } catch (LmForgeException e) {
            throw LmForgeException.unavailable("endpoint " + set.getName() + " is switched here and recorded, but the other replicas could "
                    + "not be told (" + e.getMessage() + "); they follow at their next start: call SetEndpointModel again to tell them now", e);
        }
        return set;
    }

    /** An announced change of a tenant's endpoint: serve what the endpoint's record says now. */
    public void follow(String tenant, String endpointName) {
        ResourceNames.requireValid("endpoint name", endpointName);
        String endpointKey = TenantKey.encode(tenant, endpointName);
        Endpoint recorded = store.endpoint(tenant, endpointName).orElse(null);
        if (recorded == null) {
            LOG.debugf("endpoint %s has no record (here): nothing to follow", endpointKey);
        } else if (!recorded.equals(registry.endpoint(tenant, endpointName).orElse(null))) {
            registry.setEndpoint(tenant, recorded);
            LOG.infof("endpoint %s follows a change made on another replica: %s", endpointKey, recorded.getModelVersion());
        }
    }
}
