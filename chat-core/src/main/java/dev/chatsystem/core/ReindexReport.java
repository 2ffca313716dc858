package dev.chatsystem.core;

import java.time.Duration;

/** The outcome of a reindex: how many messages were indexed and how long it took. */
public record ReindexReport(long indexed, Duration took) {}
