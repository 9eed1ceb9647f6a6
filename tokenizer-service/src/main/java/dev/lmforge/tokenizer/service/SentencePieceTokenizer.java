package dev.lmforge.tokenizer.service;

import ai.djl.sentencepiece.SpTokenizer;
import dev.lmforge.api.v1.TokenizerKind;
import dev.lmforge.api.v1.TokenizerSpec;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.tokenizer.sentencepiece.SentencePieceModels;
import dev.lmforge.tokenizer.sentencepiece.SentencePieceNormalizer;
import dev.lmforge.tokenizer.sentencepiece.SentencePieceTrainer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A SentencePiece model (trained here or uploaded). Text is normalised in Java first (NFKC and
 * spaces, as the models we write carry an identity normaliser); DJL's binding of libsentencepiece
 * encodes; decoding uses the model's own piece table, since DJL's decode mangles characters outside
 * the Basic Multilingual Plane.
 */
final class SentencePieceTokenizer implements Tokenizer {

    static final String FILE_NAME = "tokenizer.model";
    private static final char SPACE = '\u2581';

    private final String kind;
    private final byte[] model;
    private final List<String> pieces;
    private final SpTokenizer sentencePiece;
    private final int unknownId;
    private final int eosId;

    private SentencePieceTokenizer(String kind, byte[] model, List<String> pieces, SpTokenizer sentencePiece, int unknownId, int eosId) {
        this.kind = kind;
        this.model = model;
        this.pieces = pieces;
        this.sentencePiece = sentencePiece;
        this.unknownId = unknownId;
        this.eosId = eosId;
    }

    static Tokenizer train(TokenizerSpec spec, Path text, long maxTrainingLines) throws IOException {
        boolean bpe = spec.getKind() == TokenizerKind.TOKENIZER_KIND_BPE;
        SentencePieceTrainer.Options options = new SentencePieceTrainer.Options(
                bpe ? SentencePieceTrainer.ModelType.BPE : SentencePieceTrainer.ModelType.UNIGRAM,
                spec.getVocabSize(), spec.getCharacterCoverage(), spec.getByteFallback(), 16, maxTrainingLines);
        return load(SentencePieceTrainer.train(text, options), bpe ? "bpe" : "unigram");
    }

    /** Validates a model file and loads it; INVALID_ARGUMENT for one LM Forge cannot use. */
    static SentencePieceTokenizer load(byte[] model, String kind) {
        SentencePieceModels.Info info = SentencePieceModels.inspect(model);
        int eos = info.pieces().indexOf("</s>");
        if (eos < 0) {
            throw LmForgeException.invalidArgument("the SentencePiece model has no </s> piece: LM Forge ends every line with it (train with eos_id >= 0)");
        }
        int unk = Math.max(0, info.pieces().indexOf("<unk>"));
        return new SentencePieceTokenizer(kind, model, info.pieces(), new SpTokenizer(model), unk, eos);
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public int vocabSize() {
        return pieces.size();
    }

    @Override
    public int unknownId() {
        return unknownId;
    }

    @Override
    public int eosId() {
        return eosId;
    }

    @Override
    public int[] encode(String text) {
        String normalized = SentencePieceNormalizer.normalize(text);
        return normalized.isEmpty() ? new int[0] : sentencePiece.getProcessor().encode(normalized);
    }

    @Override
    public String piece(int id) {
        return pieces.get(id);
    }

    /** Pieces joined, ▁ as spaces, byte pieces as UTF-8, {@code </s>} as a line break, other control pieces dropped. */
    @Override
    public String decode(int[] ids) {
        StringBuilder out = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean lineStart = true;
        for (int id : ids) {
            String p = pieces.get(id);
            if (p.length() == 6 && p.startsWith("<0x") && p.endsWith(">")) {
                bytes.write(Integer.parseInt(p.substring(3, 5), 16));
                continue;
            }
            flush(bytes, out);
            if (id == eosId) {
                out.append('\n');
                lineStart = true;
            } else if (id == unknownId) {
                out.append(" \u2047 ");
            } else if (!(p.startsWith("<") && p.endsWith(">") && p.length() > 2 && (p.equals("<s>") || p.equals("<pad>")))) {
                String text = p.replace(SPACE, ' ');
                if (lineStart && text.startsWith(" ")) {
                    text = text.substring(1);
                }
                out.append(text);
                lineStart = false;
            }
        }
        flush(bytes, out);
        return out.toString();
    }

    private static void flush(ByteArrayOutputStream bytes, StringBuilder out) {
        if (bytes.size() > 0) {
            out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
            bytes.reset();
        }
    }

    @Override
    public byte[] serialize() {
        return model;
    }

    @Override
    public String fileName() {
        return FILE_NAME;
    }
}
