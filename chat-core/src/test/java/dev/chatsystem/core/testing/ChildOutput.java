package dev.chatsystem.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The lines a child process prints on its standard output, read on a thread of their own: a child that stalls (or
 * never prints what the test waits for) fails the test at a deadline instead of blocking a {@code readLine} forever.
 * Only complete lines count: a last line without its newline was cut short by a kill, so it is dropped (a prefix of
 * "ACK 123" reads as another number).
 */
public final class ChildOutput {
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    private volatile boolean ended;

    private ChildOutput(Reader output) {
        reader = Thread.ofPlatform().daemon().name("child-output").start(() -> read(output));
    }

    /** Starts reading {@code child}'s standard output. */
    public static ChildOutput of(Process child) {
        return new ChildOutput(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Waits until the lines so far satisfy {@code condition} or the output ends; fails after {@code within}. */
    public void awaitUntil(Predicate<List<String>> condition, Duration within) {
        Await.until(() -> ended || condition.test(lines()), within);
    }

    /** Every complete line, once the output has ended (the child is gone); fails unless it ends within {@code within}. */
    public List<String> toEnd(Duration within) throws InterruptedException {
        assertThat(reader.join(within)).as("the child's output ended").isTrue();
        return lines();
    }

    /** The complete lines read so far. */
    public List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    private void read(Reader output) {
        StringBuilder line = new StringBuilder();
        char[] buffer = new char[8192];
        try (output) {
            for (int n; (n = output.read(buffer)) != -1; ) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        synchronized (lines) {
                            lines.add(line.toString());
                        }
                        line.setLength(0);
                    } else {
                        line.append(buffer[i]);
                    }
                }
            }
        } catch (IOException e) {
            // the stream was closed under us: what was read counts
        } finally {
            ended = true;
        }
    }
}
