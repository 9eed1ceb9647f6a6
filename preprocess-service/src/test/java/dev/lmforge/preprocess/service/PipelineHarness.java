package dev.lmforge.preprocess.service;

import dev.lmforge.api.v1.Channel;
import dev.lmforge.api.v1.CorpusSpec;
import dev.lmforge.preprocess.text.LanguageIdentifier;
import dev.lmforge.preprocess.text.StopWords;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Runs the pipeline on in-memory files and keeps what it writes per split. */
final class PipelineHarness {

    static final InputLimits LIMITS = new InputLimits(64L << 20, 100, 1 << 20, 100);
    static final CorpusPipeline.Settings SETTINGS = settings(LIMITS);
    static final LanguageIdentifier LANGUAGES = new LanguageIdentifier();
    static final StopWords STOP_WORDS = new StopWords();

    static CorpusPipeline.Settings settings(InputLimits limits) {
        return new CorpusPipeline.Settings(1 << 20, 1 << 24, 64, 1_000_000, 16, 2000, 20, 64, limits);
    }

    final Map<Split, ByteArrayOutputStream> outputs = new EnumMap<>(Split.class);
    CorpusPipeline.Result result;

    record File(String name, Channel channel, byte[] bytes) {
        static File text(String name, String text) {
            return new File(name, Channel.CHANNEL_UNSPECIFIED, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    static PipelineHarness run(CorpusSpec spec, File... files) throws IOException {
        Iterator<File> it = Arrays.asList(files).iterator();
        return run(spec, SETTINGS, () -> it.hasNext() ? toSource(it.next()) : null);
    }

    static PipelineHarness run(CorpusSpec spec, CorpusPipeline.Settings settings, CorpusSource source) throws IOException {
        PipelineHarness h = new PipelineHarness();
        Map<Split, OutputStream> sinks = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            h.outputs.put(s, out);
            sinks.put(s, out);
        }
        h.result = new CorpusPipeline(spec, settings, LANGUAGES, STOP_WORDS).run(source, sinks);
        return h;
    }

    private static IncomingFile toSource(File f) {
        return new IncomingFile(f.name(), f.channel(), new ByteArrayInputStream(f.bytes()));
    }

    String text(Split split) {
        return outputs.get(split).toString(StandardCharsets.UTF_8);
    }

    List<String> lines(Split split) {
        String t = text(split);
        return t.isEmpty() ? List.of() : new ArrayList<>(List.of(t.split("\n")));
    }

    List<String> allLines() {
        List<String> all = new ArrayList<>();
        for (Split s : Split.values()) {
            all.addAll(lines(s));
        }
        return all;
    }
}
