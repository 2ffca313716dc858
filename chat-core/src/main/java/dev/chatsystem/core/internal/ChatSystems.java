package dev.chatsystem.core.internal;

import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;

/** The composition root of the library: wires the backends a configuration names. */
public final class ChatSystems {
    private ChatSystems() {}

    public static ChatSystem open(ChatConfig config) {
        throw new UnsupportedOperationException("not wired yet");
    }
}
