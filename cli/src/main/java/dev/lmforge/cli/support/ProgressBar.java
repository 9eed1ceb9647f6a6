package dev.lmforge.cli.support;

import java.io.PrintStream;

/**
 * A one-line progress display on stderr: a bar, bytes, rate and time left on a terminal, a line
 * every tenth of the way otherwise (logs, CI).
 */
public final class ProgressBar {

    private static final int WIDTH = 30;

    private final String label;
    private final long total;
    private final PrintStream out = System.err;
    private final boolean terminal = System.console() != null;
    private final long started = System.nanoTime();
    private long lastDraw;
    private int lastTenth = -1;

    public ProgressBar(String label, long total) {
        this.label = label;
        this.total = Math.max(1, total);
    }

    public synchronized void update(long done) {
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
            String eta = rate > 0 && done < total ? String.format("ETA %ds", Math.round((total - done) / rate)) : "";
            out.printf("\r%-10s [%s%s] %3d%%  %s/%s  %s/s  %s   ", label, "#".repeat(filled), "-".repeat(WIDTH - filled),
                    Math.round(fraction * 100), Format.bytes(done), Format.bytes(total), Format.bytes((long) rate), eta);
        } else {
            int tenth = (int) (fraction * 10);
            if (tenth != lastTenth) {
                lastTenth = tenth;
                out.printf("%s %3d%%  %s/%s%n", label, tenth * 10, Format.bytes(done), Format.bytes(total));
            }
        }
    }

    public synchronized void status(String message) {
        out.print(terminal ? "\r" + message + " ".repeat(40) + "\r" + message : message + System.lineSeparator());
    }

    public synchronized void finish(String message) {
        out.println(terminal ? "\r" + message + " ".repeat(60) : message);
    }
}
