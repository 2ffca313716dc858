package dev.chatsystem.cli;

import dev.chatsystem.core.PageRequest;
import picocli.CommandLine.Option;

/** The {@code --limit} option every list command shares; its range is checked as it is parsed. */
final class PageSize {
    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "" + PageRequest.DEFAULT_LIMIT,
            converter = Numbers.Limit.class,
            description = "Page size, 1..1000 (default: ${DEFAULT-VALUE}).")
    int limit;
}
