package dev.lmforge.common.text;

import ai.djl.sentencepiece.SpTokenizer;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import dev.lmforge.common.errors.LmForgeException;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A SentencePiece model (trained by the platform or uploaded). Text is normalised in Java first
 * ({@link SentencePieceNormalizer}: the models LM Forge writes carry an identity normaliser);
 * DJL's binding of libsentencepiece encodes; decoding uses the model's own piece table, since DJL's
 * decode mangles characters outside the Basic Multilingual Plane. Needs
 * {@code ai.djl.sentencepiece:sentencepiece} on the classpath (an optional dependency of common).
 */
public final class SentencePieceTokenizer implements Tokenizer {

    public static final String FILE_NAME = "tokenizer.model";
    private static final char SPACE = '\u2581';
    /** ModelProto: field 1 holds the pieces; SentencePiece: field 1 its text. */
    private static final int PIECES = 1;
    private static final int PIECE_TEXT = 1;

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

    /** Loads a model file; INVALID_ARGUMENT when it is not one LM Forge can use (no pieces, no {@code </s>}). */
    public static SentencePieceTokenizer load(byte[] model, String kind) {
        List<String> pieces = pieces(model);
        int eos = pieces.indexOf("</s>");
        if (eos < 0) {
            throw LmForgeException.invalidArgument("the SentencePiece model has no </s> piece: LM Forge ends every line with it (train with eos_id >= 0)");
        }
        int unk = Math.max(0, pieces.indexOf("<unk>"));
        return new SentencePieceTokenizer(kind, model, pieces, new SpTokenizer(model), unk, eos);
    }

    /** The pieces of a model file in id order, read without a schema. */
    static List<String> pieces(byte[] model) {
        try {
            List<ByteString> raw = UnknownFieldSet.parseFrom(model).getField(PIECES).getLengthDelimitedList();
            List<String> out = new ArrayList<>(raw.size());
            for (ByteString piece : raw) {
                List<ByteString> text = UnknownFieldSet.parseFrom(piece).getField(PIECE_TEXT).getLengthDelimitedList();
                out.add(text.isEmpty() ? "" : text.get(0).toStringUtf8());
            }
            if (out.isEmpty()) {
                throw LmForgeException.invalidArgument("not a SentencePiece model: it has no pieces");
            }
            return List.copyOf(out);
        } catch (InvalidProtocolBufferException e) {
            throw LmForgeException.invalidArgument("not a SentencePiece model file: %s", e.getMessage());
        }
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
            if (flush(bytes, out)) {
                lineStart = false; // a line that starts with bytes has started: the next word keeps its space
            }
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

    /** Appends the pending bytes as text; false when there were none. */
    private static boolean flush(ByteArrayOutputStream bytes, StringBuilder out) {
        if (bytes.size() == 0) {
            return false;
        }
        out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
        bytes.reset();
        return true;
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
