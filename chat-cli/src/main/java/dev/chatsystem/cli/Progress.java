package dev.chatsystem.cli;

import dev.chatsystem.core.ReindexListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Shows reindex progress on stderr: a bar redrawn in place on a terminal, otherwise plain lines at every 10% or
 * every 2 seconds, whichever comes first, so logs of scripted runs stay short.
 */
final class Progress implements ReindexListener {
    private static final long LINE_INTERVAL = TimeUnit.SECONDS.toNanos(2);
    private static final long BAR_INTERVAL = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int BAR_WIDTH = 30;

    private final PrintWriter err;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private long started = -1;
    private long lastPrinted;
    private long lastDecile = -1;
    private boolean drewBar;

    Progress(PrintWriter err, boolean terminal, LongSupplier nanoTime) {
        this.err = err;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
    }

    @Override
    public void progress(long done, long total) {
        long now = nanoTime.getAsLong();
        if (started < 0) {
            started = now;
        }
        boolean finished = done >= total;
        long decile = total == 0 ? 10 : done * 10 / total;
        long interval = terminal ? BAR_INTERVAL : LINE_INTERVAL;
        boolean due = lastDecile < 0 || finished || now - lastPrinted >= interval || (!terminal && decile > lastDecile);
        if (!due) {
            return;
        }
        lastPrinted = now;
        lastDecile = decile;
        if (terminal) {
            err.print("\r" + bar(done, total) + " " + status(done, total, now));
            drewBar = true;
        } else {
            err.println("reindex: " + status(done, total, now));
        }
        err.flush();
    }

    /** Ends the bar's line so later output starts on a fresh one. */
    void finish() {
        if (drewBar) {
            err.println();
            err.flush();
        }
    }

    private String status(long done, long total, long now) {
        long percent = total == 0 ? 100 : done * 100 / total;
        double seconds = (now - started) / 1e9;
        String text = String.format("%,d/%,d messages (%d%%)", done, total, percent);
        if (seconds <= 0 || done == 0) {
            return text;
        }
        double rate = done / seconds;
        long eta = Math.round((total - done) / rate);
        return text + String.format(", %,.0f msg/s, ETA %s", rate, format(Duration.ofSeconds(eta)));
    }

    private static String bar(long done, long total) {
        int filled = total == 0 ? BAR_WIDTH : (int) (done * BAR_WIDTH / total);
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
    }

    private static String format(Duration eta) {
        return eta.toHours() > 0
                ? String.format("%d:%02d:%02d", eta.toHours(), eta.toMinutesPart(), eta.toSecondsPart())
                : String.format("%d:%02d", eta.toMinutes(), eta.toSecondsPart());
    }
}
