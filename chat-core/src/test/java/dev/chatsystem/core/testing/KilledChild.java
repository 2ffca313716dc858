package dev.chatsystem.core.testing;

import java.io.IOException;
import java.io.Reader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Kills a child process with SIGKILL and reads what it printed up to the kill. */
public final class KilledChild {
    private KilledChild() {}

    /**
     * SIGKILL (no shutdown hook, no clean close), then waits for the child to end. Sent through its {@link
     * ProcessHandle}: {@link Process#destroyForcibly} also closes this side's end of the child's output, losing what
     * it printed just before the kill.
     */
    public static void kill(Process child, Duration timeout) throws InterruptedException {
        child.toHandle().destroyForcibly();
        if (!child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the child did not end within " + timeout + " of SIGKILL");
        }
    }

    /**
     * The complete lines left in {@code output} of a child that has ended, read to the end: what it printed just
     * before the kill counts too. A last line without its newline was cut short by the kill, so it is dropped (a
     * prefix of "ACK 123" reads as another number).
     */
    public static List<String> remainingLines(Reader output) throws IOException {
        StringBuilder text = new StringBuilder();
        char[] buffer = new char[8192];
        for (int n; (n = output.read(buffer)) != -1; ) {
            text.append(buffer, 0, n);
        }
        List<String> lines = new ArrayList<>(List.of(text.toString().split("\n", -1)));
        lines.removeLast(); // after the last newline: empty, or a line cut short
        return lines;
    }
}
