package dev.lmforge.cli.support;

import java.io.PrintStream;

/**
 * A one-line progress display on stderr: a bar, the amount done (bytes or a count), the rate and
 * time left on a terminal, or a line every tenth of the way otherwise (logs, CI).
 */
public final class ProgressBar {

    private static final int WIDTH = 30;

    private final String label;
    private final long total;
    private final String unit;
    private final PrintStream out = System.err;
    private final boolean terminal = System.console() != null;
    private final long started = System.nanoTime();
    private long lastDraw;
    private int lastTenth = -1;

    /** Progress in bytes. */
    public ProgressBar(String label, long total) {
        this(label, total, null);
    }

    /** Progress counted in {@code unit} (e.g. "steps"); null for bytes. */
    public ProgressBar(String label, long total, String unit) {
        this.label = label;
        this.total = Math.max(1, total);
        this.unit = unit;
    }

    public void update(long done) {
        update(done, null);
    }

    /** Shows {@code done} of the total; {@code detail} replaces the rate and ETA when given. */
    public synchronized void update(long done, String detail) {
        long now = System.nanoTime();
        double fraction = Math.min(1.0, (double) done / total);
        if (terminal) {
            if (now - lastDraw < 100_000_000L && done < total) {
                return;
            }
            lastDraw = now;
            int filled = (int) Math.round(fraction * WIDTH);
            double seconds = (now - started) / 1e9;
            double rate = seconds > 0 ? done / seconds : 0;
            String tail = detail != null ? detail
                    : amount((long) rate) + "/s  " + (rate > 0 && done < total ? String.format("ETA %ds", Math.round((total - done) / rate)) : "");
            out.printf("\r%-10s [%s%s] %3d%%  %s/%s  %s   ", label, "#".repeat(filled), "-".repeat(WIDTH - filled),
                    Math.round(fraction * 100), amount(done), amount(total), tail);
        } else {
            int tenth = (int) (fraction * 10);
            if (tenth != lastTenth) {
                lastTenth = tenth;
                out.printf("%s %3d%%  %s/%s%s%n", label, tenth * 10, amount(done), amount(total), detail == null ? "" : "  " + detail);
            }
        }
    }

    private String amount(long n) {
        return unit == null ? Format.bytes(n) : Format.count(n) + (unit.isEmpty() ? "" : " " + unit);
    }

    public synchronized void status(String message) {
        out.print(terminal ? "\r" + message + " ".repeat(40) + "\r" + message : message + System.lineSeparator());
    }

    public synchronized void finish(String message) {
        if (terminal) {
            out.print("\r" + " ".repeat(120) + "\r");
        }
        if (!message.isEmpty()) {
            out.println(message);
        }
    }
}
