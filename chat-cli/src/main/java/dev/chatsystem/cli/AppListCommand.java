package dev.chatsystem.cli;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.ChatSystem;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code app list [--after TOKEN] [--limit N]}: applications ordered by token, one page at a time. */
@Command(name = "list", description = "List applications ordered by token, one page at a time.")
final class AppListCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    private CommandSpec spec;

    @Option(names = "--after", paramLabel = "TOKEN", description = "Start after this token (from the previous page).")
    private String after;

    @Mixin
    private PageSize pageSize = new PageSize();

    AppListCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (ChatSystem system = context.open()) {
            List<Application> page = system.listApplications(Optional.ofNullable(after), pageSize.limit);
            String next = nextAfter(system, page);
            Output output = context.output(spec);
            output.print(new Listing(page, next), Rows.applications(page));
            if (next != null) {
                output.note("more: chat-cli app list --after " + next + " --limit " + pageSize.limit);
            }
        }
        return ExitCodes.OK;
    }

    /**
     * The core returns a bare list: a short page is the last, a full one is the last only when nothing follows it.
     * That is asked with a second call of one row, since fetching limit + 1 could exceed the core's maximum.
     */
    private String nextAfter(ChatSystem system, List<Application> page) {
        if (page.size() < pageSize.limit) {
            return null;
        }
        String last = page.getLast().token();
        return system.listApplications(Optional.of(last), 1).isEmpty() ? null : last;
    }
}
