package dev.lmforge.common.text;

import dev.lmforge.common.errors.LmForgeException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Word-level tokens: words (letters, marks and digits, with inner apostrophes, hyphens and number
 * separators), placeholder tokens such as {@code <num>}, and single punctuation marks. The
 * vocabulary is the most frequent words of the train split with a minimum count; the rest map to
 * {@code <unk>}. Ids 0 and 1 are {@code <unk>} and {@code <eos>}.
 */
public final class WordTokenizer implements Tokenizer {

    public static final String UNK = "<unk>";
    public static final String EOS = "<eos>";
    public static final String FILE_NAME = "tokenizer.vocab";

    private final List<String> words;
    private final Map<String, Integer> ids;

    private WordTokenizer(List<String> words) {
        this.words = List.copyOf(words);
        this.ids = new HashMap<>(words.size() * 2);
        for (int i = 0; i < words.size(); i++) {
            ids.put(words.get(i), i);
        }
    }

    /** A vocabulary size that asks for every word seen at least min_count times. */
    public static final int ALL_WORDS = 0;

    /**
     * Counts the words of a text file (one line per paragraph) and keeps the most frequent:
     * {@code vocabSize} of them with the two special tokens, or every word seen at least
     * {@code minCount} times when it is {@link #ALL_WORDS}.
     */
    public static WordTokenizer train(Path text, int vocabSize, int minCount) throws IOException {
        if (vocabSize != ALL_WORDS && vocabSize < 3) {
            throw LmForgeException.invalidArgument("vocab_size must be at least 3 (<unk>, <eos> and one word), got %d", vocabSize);
        }
        Map<String, long[]> counts = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(text, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                split(line, w -> counts.computeIfAbsent(w, k -> new long[1])[0]++);
            }
        }
        List<Map.Entry<String, long[]>> frequent = new ArrayList<>();
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            if (e.getValue()[0] >= Math.max(1, minCount) && !e.getKey().equals(UNK) && !e.getKey().equals(EOS)) {
                frequent.add(e);
            }
        }
        if (frequent.isEmpty()) {
            throw LmForgeException.invalidArgument("the train split has no word seen at least %d time(s)", Math.max(1, minCount));
        }
        int wanted = vocabSize == ALL_WORDS ? frequent.size() : vocabSize - 2;
        if (frequent.size() < wanted) {
            throw LmForgeException.invalidArgument(
                    "vocab_size %d is too large for this text: the train split has %d distinct words seen at least %d time(s); "
                            + "use vocab_size <= %d, or 0 for all of them",
                    vocabSize, frequent.size(), Math.max(1, minCount), frequent.size() + 2);
        }
        frequent.sort((a, b) -> a.getValue()[0] != b.getValue()[0] ? Long.compare(b.getValue()[0], a.getValue()[0]) : a.getKey().compareTo(b.getKey()));
        List<String> vocab = new ArrayList<>(wanted + 2);
        vocab.add(UNK);
        vocab.add(EOS);
        for (int i = 0; i < wanted; i++) {
            vocab.add(frequent.get(i).getKey());
        }
        return new WordTokenizer(vocab);
    }

    /** Reads a tokenizer.vocab file: one word a line, the id is the line number. */
    public static WordTokenizer load(byte[] file) {
        List<String> words = List.of(new String(file, StandardCharsets.UTF_8).split("\n", -1));
        words = words.subList(0, words.size() - (words.get(words.size() - 1).isEmpty() ? 1 : 0));
        if (words.size() < 3 || !words.get(0).equals(UNK) || !words.get(1).equals(EOS)) {
            throw new IllegalStateException("not a word vocabulary: it must start with " + UNK + " and " + EOS);
        }
        return new WordTokenizer(words);
    }

    @Override
    public String kind() {
        return "word";
    }

    @Override
    public int vocabSize() {
        return words.size();
    }

    @Override
    public int unknownId() {
        return 0;
    }

    @Override
    public int eosId() {
        return 1;
    }

    @Override
    public int[] encode(String text) {
        List<String> tokens = new ArrayList<>();
        split(text, tokens::add);
        int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ids.getOrDefault(tokens.get(i), 0);
        }
        return out;
    }

    @Override
    public String piece(int id) {
        return words.get(id);
    }

    /** Words joined by spaces (word-level tokenization does not keep the original spacing). */
    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (id == eosId()) {
                sb.append('\n');
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') {
                sb.append(' ');
            }
            sb.append(words.get(id));
        }
        return sb.toString();
    }

    @Override
    public byte[] serialize() {
        return (String.join("\n", words) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String fileName() {
        return FILE_NAME;
    }

    /** Splits a line into word tokens, placeholders and punctuation marks. */
    static void split(String line, java.util.function.Consumer<String> out) {
        int n = line.length();
        int i = 0;
        while (i < n) {
            int cp = line.codePointAt(i);
            if (Character.isWhitespace(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int end;
            if (cp == '<' && (end = placeholderEnd(line, i)) > 0) {
                out.accept(line.substring(i, end));
                i = end;
            } else if (isWordChar(cp)) {
                end = i + Character.charCount(cp);
                while (end < n) {
                    int c = line.codePointAt(end);
                    if (isWordChar(c)) {
                        end += Character.charCount(c);
                    } else if (isInnerConnector(c) && end + 1 < n && isWordChar(line.codePointAt(end + 1))) {
                        end += 1;
                    } else {
                        break;
                    }
                }
                out.accept(line.substring(i, end));
                i = end;
            } else {
                out.accept(new String(Character.toChars(cp)));
                i += Character.charCount(cp);
            }
        }
    }

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.NON_SPACING_MARK
                || Character.getType(cp) == Character.COMBINING_SPACING_MARK;
    }

    private static boolean isInnerConnector(int cp) {
        return cp == '\'' || cp == '\u2019' || cp == '-' || cp == '.' || cp == ',';
    }

    /** {@code <word>} placeholders such as {@code <num>}, {@code <url>}: the index after '>', or -1. */
    private static int placeholderEnd(String s, int start) {
        int i = start + 1;
        while (i < s.length() && i - start <= 16 && Character.isLetter(s.charAt(i))) {
            i++;
        }
        return i > start + 1 && i < s.length() && s.charAt(i) == '>' ? i + 1 : -1;
    }
}
