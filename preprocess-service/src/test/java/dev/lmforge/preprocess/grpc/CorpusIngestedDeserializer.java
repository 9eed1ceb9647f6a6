package dev.lmforge.preprocess.grpc;

import dev.lmforge.api.v1.CorpusIngested;
import dev.lmforge.common.events.ProtoEventDeserializer;

public final class CorpusIngestedDeserializer extends ProtoEventDeserializer<CorpusIngested> {
    public CorpusIngestedDeserializer() {
        super(CorpusIngested.getDefaultInstance());
    }
}
