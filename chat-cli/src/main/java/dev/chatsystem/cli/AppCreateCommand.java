package dev.chatsystem.cli;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.ChatSystem;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code app create NAME}. */
@Command(
        name = "create",
        description = "Create an application and print its token.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  chat-cli app create \"Support\"",
            "  TOKEN=$(chat-cli app create \"Support\" --json | jq -r .token)"
        })
final class AppCreateCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "Display name, 1..255 characters (quote it if it has spaces).")
    private String name;

    AppCreateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (ChatSystem system = context.open()) {
            Application application = system.createApplication(name);
            context.output(spec).print(application, Rows.applications(List.of(application)));
        }
        return ExitCodes.OK;
    }
}
