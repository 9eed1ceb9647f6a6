package dev.lmforge.tuner.events;

import dev.lmforge.api.v1.TrainingProgress;
import dev.lmforge.common.events.ProtoEventDeserializer;

public class TrainingProgressDeserializer extends ProtoEventDeserializer<TrainingProgress> {
    public TrainingProgressDeserializer() {
        super(TrainingProgress.getDefaultInstance());
    }
}
