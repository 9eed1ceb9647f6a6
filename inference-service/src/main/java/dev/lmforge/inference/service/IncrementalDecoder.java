package dev.lmforge.inference.service;

import dev.lmforge.common.text.Tokenizer;

import java.util.Arrays;

/**
 * The text of generated tokens, a token at a time, at a cost that does not grow with the text: each
 * new token is decoded with a few tokens before it (its spacing depends on them) and only the
 * growth is emitted. A token that ends in the middle of a character (a byte of a multi-byte
 * character, in a byte-fallback model) emits nothing until the character is whole.
 */
final class IncrementalDecoder {

    /** Tokens of context decoded before the first generated one: enough for its spacing. */
    private static final int CONTEXT = 6;
    /** What a decoder makes of bytes that are not a whole character yet. */
    private static final char INCOMPLETE = '\uFFFD';

    private final Tokenizer codec;
    private int[] ids;
    private int size;
    /** Start of the window decoded each time; tokens before it are settled. */
    private int prefixStart;
    /** End of what has been emitted. */
    private int emittedEnd;

    IncrementalDecoder(Tokenizer codec, int[] prompt) {
        this.codec = codec;
        this.ids = Arrays.copyOf(prompt, prompt.length + 64);
        this.size = prompt.length;
        this.emittedEnd = size;
        this.prefixStart = Math.max(0, size - CONTEXT);
    }

    /** Adds a generated token; returns the text it completes (empty while a character is incomplete). */
    String add(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, 2 * size);
        }
        ids[size++] = id;
        String before = codec.decode(Arrays.copyOfRange(ids, prefixStart, emittedEnd));
        // A decoder drops the space before the first word of its text: the window must start with text, as the whole does.
        while (before.isEmpty() && prefixStart > 0) {
            before = codec.decode(Arrays.copyOfRange(ids, --prefixStart, emittedEnd));
        }
        String now = codec.decode(Arrays.copyOfRange(ids, prefixStart, size));
        if (now.length() <= before.length() || now.charAt(now.length() - 1) == INCOMPLETE) {
            return "";
        }
        prefixStart = emittedEnd;
        emittedEnd = size;
        return now.substring(before.length());
    }
}
