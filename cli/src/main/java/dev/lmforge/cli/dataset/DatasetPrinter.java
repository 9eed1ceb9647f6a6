package dev.lmforge.cli.dataset;

import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.DatasetSplit;
import dev.lmforge.cli.support.Format;

import dev.lmforge.cli.support.Output;
import java.util.List;

/** A dataset as a person reads it (or as JSON). */
final class DatasetPrinter {

    private DatasetPrinter() {
    }

    static void print(Dataset d, boolean json) {
        if (json) {
            Output.printJson(d.toBuilder().setTokenizer(d.getTokenizer().toBuilder().clearModel()));
            return;
        }
        row("dataset", d.getDatasetId());
        row("corpus", d.getCorpusId());
        row("status", Format.status(d.getStatus()) + (d.getPhase().isEmpty() ? "" : " (" + d.getPhase() + ")")
                + (d.getFailureReason().isEmpty() ? "" : ": " + d.getFailureReason()));
        row("tokenizer", TokenizerKinds.name(d.getTokenizer().getKind()) + ", vocabulary " + Format.count(d.getVocabSize())
                + (d.getAuto() ? " (built automatically)" : ""));
        row("location", "s3://" + d.getLocation().getBucket() + "/" + d.getLocation().getKey());
        for (String split : List.of("train", "validation", "test")) {
            DatasetSplit s = d.getSplitsMap().get(split);
            if (s != null) {
                row(split, String.format("%s tokens, %s characters (%.3f tokens/char), unknown %.2f%%, %d shard(s)",
                        Format.count(s.getTokens()), Format.count(s.getCharacters()),
                        s.getCharacters() == 0 ? 0 : (double) s.getTokens() / s.getCharacters(), 100 * s.getUnknownRate(), s.getShardsCount()));
            }
        }
        if (d.getBuildSeconds() > 0) {
            row("built in", String.format("%.1f s", d.getBuildSeconds()));
        }
    }

    private static void row(String key, String value) {
        System.out.printf("%-12s %s%n", key, value);
    }
}
