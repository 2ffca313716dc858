package dev.chatsystem.cli;

import picocli.CommandLine.Command;

/** {@code message}: the group of message commands. */
@Command(
        name = "message",
        description = "List the messages of a chat.",
        subcommands = {MessageListCommand.class})
final class MessageCommand {}
