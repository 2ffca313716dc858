package dev.chatsystem.core.h2;

import dev.chatsystem.core.spi.Write.ChatCreated;
import dev.chatsystem.core.spi.Write.MessageCreated;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Run in a child JVM by {@link H2DurabilityTest}: applies one message per batch and acknowledges each on stdout. */
final class KillTarget {
    private KillTarget() {}

    public static void main(String[] args) {
        H2ChatStore store = H2ChatStore.open(Path.of(args[0]));
        Instant at = Instant.now();
        store.createApplication("tok", "app", at);
        store.apply(List.of(new ChatCreated("tok", 1, at)));
        for (long n = 1; ; n++) {
            store.apply(List.of(new MessageCreated("tok", 1, n, "message " + n, at, 1)));
            System.out.println("ack " + n);
            System.out.flush();
        }
    }
}
