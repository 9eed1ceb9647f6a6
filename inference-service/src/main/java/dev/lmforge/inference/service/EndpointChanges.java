package dev.lmforge.inference.service;

import dev.lmforge.api.v1.Principal;
import dev.lmforge.api.v1.Endpoint;

/** Tells the other replicas that a tenant's endpoint changed (lmforge.endpoints in the service). */
public interface EndpointChanges {

    /** Returns once the change is durable in Kafka; UNAVAILABLE otherwise. {@code changedBy} acts in {@code tenant}. */
    void announce(String tenant, Endpoint endpoint, Principal changedBy);
}
