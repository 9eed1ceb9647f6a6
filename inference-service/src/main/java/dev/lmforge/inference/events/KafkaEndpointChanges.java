package dev.lmforge.inference.events;

import dev.lmforge.api.v1.Principal;
import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.EndpointChanged;
import dev.lmforge.common.events.EventSender;
import dev.lmforge.common.security.TenantKey;
import dev.lmforge.inference.service.EndpointChanges;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import java.time.Duration;

@ApplicationScoped
public class KafkaEndpointChanges implements EndpointChanges {

    private final EventSender<EndpointChanged> sender;

    public KafkaEndpointChanges(@Channel("endpoints-out") Emitter<EndpointChanged> emitter,
            @ConfigProperty(name = "lmforge.inference.event-ack-timeout", defaultValue = "10s") Duration ackTimeout) {
        this.sender = new EventSender<>(emitter, ackTimeout);
    }

    @Override
    public void announce(String tenant, Endpoint endpoint, Principal changedBy) {
        // Keyed per tenant: the compacted topic keeps each tenant's latest change of an endpoint name.
        sender.send(TenantKey.encode(tenant, endpoint.getName()), EndpointChanged.newBuilder().setSchemaVersion(1).setEndpoint(endpoint).setChangedAt(Timestamps.now())
                .setCausedBy(changedBy).build());
    }
}
