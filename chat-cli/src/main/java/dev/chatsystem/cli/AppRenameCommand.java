package dev.chatsystem.cli;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.ChatSystem;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code app rename TOKEN NAME}. */
@Command(name = "rename", description = "Rename an application.")
final class AppRenameCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOKEN", description = "The application's token.")
    private String token;

    @Parameters(index = "1", paramLabel = "NAME", description = "The new name, 1..255 characters.")
    private String name;

    AppRenameCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (ChatSystem system = context.open()) {
            Application application = system.renameApplication(token, name);
            context.output(spec).print(application, Rows.applications(List.of(application)));
        }
        return ExitCodes.OK;
    }
}
