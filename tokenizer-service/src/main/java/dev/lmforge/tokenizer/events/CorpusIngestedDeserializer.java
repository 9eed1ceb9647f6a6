package dev.lmforge.tokenizer.events;

import dev.lmforge.api.v1.CorpusIngested;
import dev.lmforge.common.events.ProtoEventDeserializer;

public class CorpusIngestedDeserializer extends ProtoEventDeserializer<CorpusIngested> {
    public CorpusIngestedDeserializer() {
        super(CorpusIngested.getDefaultInstance());
    }
}
