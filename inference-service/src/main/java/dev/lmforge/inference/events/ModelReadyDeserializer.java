package dev.lmforge.inference.events;

import dev.lmforge.api.v1.ModelReady;
import dev.lmforge.common.events.ProtoEventDeserializer;

public class ModelReadyDeserializer extends ProtoEventDeserializer<ModelReady> {
    public ModelReadyDeserializer() {
        super(ModelReady.getDefaultInstance());
    }
}
