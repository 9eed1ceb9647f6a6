package dev.lmforge.preprocess.text;

/** How a client's string appears in an error message. */
public final class MessageText {

    private MessageText() {
    }

    /** Control characters escaped, at most 80 characters: a hostile name cannot forge log lines or flood a message. */
    public static String shown(String s) {
        String cut = s.length() <= 80 ? s : s.substring(0, 77) + "...";
        StringBuilder out = new StringBuilder(cut.length());
        cut.chars().forEach(c -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
