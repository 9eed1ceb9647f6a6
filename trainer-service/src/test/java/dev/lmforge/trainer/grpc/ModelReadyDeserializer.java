package dev.lmforge.trainer.grpc;

import dev.lmforge.api.v1.ModelReady;
import dev.lmforge.common.events.ProtoEventDeserializer;

public final class ModelReadyDeserializer extends ProtoEventDeserializer<ModelReady> {
    public ModelReadyDeserializer() {
        super(ModelReady.getDefaultInstance());
    }
}
