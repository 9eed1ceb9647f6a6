package dev.lmforge.tokenizer.grpc;

import dev.lmforge.api.v1.TokensReady;
import dev.lmforge.common.events.ProtoEventDeserializer;

public final class TokensReadyDeserializer extends ProtoEventDeserializer<TokensReady> {
    public TokensReadyDeserializer() {
        super(TokensReady.getDefaultInstance());
    }
}
