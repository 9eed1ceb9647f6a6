package dev.lmforge.inference.events;

import dev.lmforge.api.v1.EndpointChanged;
import dev.lmforge.common.events.EventConsumer;
import dev.lmforge.common.events.ProtoEventDeserializer;
import dev.lmforge.inference.service.Endpoints;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Every replica reads lmforge.endpoints in a consumer group of its own, from the start (the topic is
 * compacted). The endpoint is the tenant's of the principal that changed it (checked by EventConsumer).
 */
@ApplicationScoped
public class EndpointChangedListener {

    private static final ProtoEventDeserializer<EndpointChanged> DECODER = new ProtoEventDeserializer<>(EndpointChanged.getDefaultInstance());

    private final Endpoints endpoints;
    private final EventConsumer consumer;

    public EndpointChangedListener(Endpoints endpoints, EventConsumer consumer) {
        this.endpoints = endpoints;
        this.consumer = consumer;
    }

    @Incoming("endpoints")
    public Uni<Void> onEndpointChanged(Message<byte[]> record) {
        return consumer.consume(record, DECODER, this::handle);
    }

    void handle(EndpointChanged event) {
        endpoints.follow(event.getCausedBy().getTenant(), event.getEndpoint().getName());
    }
}
