package dev.chatsystem.cli;

import picocli.CommandLine.Command;

/** {@code chat}: the group of chat commands. */
@Command(
        name = "chat",
        description = "List the chats of an application.",
        subcommands = {ChatListCommand.class})
final class ChatCommand {}
