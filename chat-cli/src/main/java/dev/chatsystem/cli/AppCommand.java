package dev.chatsystem.cli;

import picocli.CommandLine.Command;

/** {@code app}: the group of application commands. */
@Command(
        name = "app",
        description = "Create, show, list and rename applications.",
        subcommands = {AppCreateCommand.class, AppShowCommand.class, AppListCommand.class, AppRenameCommand.class})
final class AppCommand {}
