package dev.lmforge.tokenizer.sentencepiece;

import ai.djl.sentencepiece.SpTokenizer;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.tokenizer.sentencepiece.model.ModelProto;
import dev.lmforge.tokenizer.sentencepiece.model.TrainerSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Validation and description of SentencePiece model files, ours or uploaded spm_train ones. */
public final class SentencePieceModels {

    private SentencePieceModels() {
    }

    public record Info(String type /* "BPE" | "UNIGRAM" | "WORD" | "CHAR" */, int vocabSize, boolean byteFallback, List<String> pieces) {
        public Info {
            pieces = List.copyOf(pieces);
        }
    }

    /**
     * Validates a model file (ours or an uploaded spm_train one): parses the ModelProto, checks
     * non-empty unique pieces, exactly one UNKNOWN piece, byte pieces consistent with byte_fallback,
     * and that DJL's SpTokenizer loads it. Throws LmForgeException.invalidArgument(...) with a
     * message a person can act on, for a corrupt or unusable file.
     */
    public static Info inspect(byte[] model) {
        if (model == null || model.length == 0) {
            throw LmForgeException.invalidArgument("the SentencePiece model file is empty; upload the .model file that spm_train (or LM Forge) wrote");
        }
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            throw LmForgeException.invalidArgument(
                    "not a SentencePiece model file (%d bytes that do not parse as a ModelProto: %s); upload the binary .model file spm_train wrote, not the .vocab text file, and check that the upload was not truncated",
                    model.length, e.getMessage());
        }
        int n = proto.getPiecesCount();
        if (n == 0) {
            throw LmForgeException.invalidArgument(
                    "not a usable SentencePiece model: it has no pieces (%d bytes); upload the binary .model file spm_train wrote, not the .vocab text file",
                    model.length);
        }
        TrainerSpec spec = proto.getTrainerSpec();
        boolean byteFallback = spec.getByteFallback();
        List<String> pieces = new ArrayList<>(n);
        Set<String> seen = new HashSet<>(n * 2);
        List<Integer> unknown = new ArrayList<>(1);
        Set<String> bytePieces = new HashSet<>();
        for (int id = 0; id < n; id++) {
            ModelProto.SentencePiece p = proto.getPieces(id);
            String piece = p.getPiece();
            if (piece.isEmpty()) {
                throw LmForgeException.invalidArgument("invalid SentencePiece model: piece id %d is empty; every piece needs a non-empty string", id);
            }
            if (!seen.add(piece)) {
                throw LmForgeException.invalidArgument("invalid SentencePiece model: piece \"%s\" (id %d) occurs twice; pieces must be unique", piece, id);
            }
            switch (p.getType()) {
                case UNKNOWN -> unknown.add(id);
                case BYTE -> {
                    if (!byteFallback) {
                        throw LmForgeException.invalidArgument(
                                "invalid SentencePiece model: piece \"%s\" (id %d) is a BYTE piece but trainer_spec.byte_fallback is false; retrain with --byte_fallback=true or drop the byte pieces",
                                piece, id);
                    }
                    if (!piece.matches("<0x[0-9A-F]{2}>")) {
                        throw LmForgeException.invalidArgument("invalid SentencePiece model: BYTE piece \"%s\" (id %d) is not of the form <0xXX>", piece, id);
                    }
                    bytePieces.add(piece);
                }
                default -> {
                }
            }
            pieces.add(piece);
        }
        if (unknown.isEmpty()) {
            throw LmForgeException.invalidArgument(
                    "invalid SentencePiece model: it has no UNKNOWN piece (such as <unk>); SentencePiece needs exactly one, usually id 0 — retrain with spm_train's defaults (--unk_id=0)");
        }
        if (unknown.size() > 1) {
            throw LmForgeException.invalidArgument("invalid SentencePiece model: it has %d UNKNOWN pieces (ids %s); SentencePiece needs exactly one", unknown.size(), unknown);
        }
        if (byteFallback && bytePieces.size() != 256) {
            throw LmForgeException.invalidArgument(
                    "invalid SentencePiece model: byte_fallback is true but it has %d of the 256 byte pieces <0x00>..<0xFF>; retrain it, or set byte_fallback to false",
                    bytePieces.size());
        }
        String type = switch (spec.getModelType()) {
            case UNIGRAM -> "UNIGRAM";
            case BPE -> "BPE";
            case WORD -> "WORD";
            case CHAR -> "CHAR";
        };
        try (SpTokenizer tokenizer = new SpTokenizer(model)) {
            tokenizer.getProcessor().encode("a");
        } catch (RuntimeException e) {
            throw LmForgeException.invalidArgument("SentencePiece cannot load this model: %s",
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().toLowerCase(Locale.ROOT).strip());
        }
        return new Info(type, n, byteFallback, pieces);
    }
}
