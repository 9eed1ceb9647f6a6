package dev.lmforge.common.text;

/**
 * A trained tokenizer: text to ids and back. Every line of a dataset is encoded, then ends with
 * {@link #eosId()}, so word-level and subword datasets predict the same text, line ends included.
 * Implementations are immutable and thread-safe.
 */
public interface Tokenizer {

    /** "word", "bpe", "unigram" or "sentencepiece" (an uploaded model). */
    String kind();

    int vocabSize();

    int unknownId();

    int eosId();

    /** The ids of one line of text, without the end-of-line id. */
    int[] encode(String text);

    /** The piece or word of an id. */
    String piece(int id);

    /** The text of a sequence of ids; end-of-line ids become line breaks. */
    String decode(int[] ids);

    /** The bytes of the tokenizer file, as stored next to the dataset. */
    byte[] serialize();

    /** The tokenizer file's name: tokenizer.model or tokenizer.vocab. */
    String fileName();
}
