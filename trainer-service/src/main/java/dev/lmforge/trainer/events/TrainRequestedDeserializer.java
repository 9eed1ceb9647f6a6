package dev.lmforge.trainer.events;

import dev.lmforge.api.v1.TrainRequested;
import dev.lmforge.common.events.ProtoEventDeserializer;

public class TrainRequestedDeserializer extends ProtoEventDeserializer<TrainRequested> {
    public TrainRequestedDeserializer() {
        super(TrainRequested.getDefaultInstance());
    }
}
