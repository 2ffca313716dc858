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
            // the core returns a bare list: a full page may have a successor, a short one has none
            String next = page.size() == pageSize.limit ? page.getLast().token() : null;
            Output output = context.output(spec);
            output.print(new Listing(page, next), Rows.applications(page));
            if (next != null) {
                output.note("more may follow: chat-cli app list --after " + next + " --limit " + pageSize.limit);
            }
        }
        return ExitCodes.OK;
    }
}
