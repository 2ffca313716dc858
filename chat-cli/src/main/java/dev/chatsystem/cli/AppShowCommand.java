package dev.chatsystem.cli;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.ChatSystem;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code app show TOKEN}. */
@Command(name = "show", description = "Show one application.")
final class AppShowCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "TOKEN", description = "The application's token.")
    private String token;

    AppShowCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (ChatSystem system = context.open()) {
            Application application = system.application(token);
            context.output(spec).print(application, Rows.applications(List.of(application)));
        }
        return ExitCodes.OK;
    }
}
