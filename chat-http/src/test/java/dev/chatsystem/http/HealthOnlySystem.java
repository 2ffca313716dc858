package dev.chatsystem.http;

import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Health;
import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** A chat system for HTTP tests that answers only its health checks; everything else fails. */
final class HealthOnlySystem {
    private HealthOnlySystem() {}

    static ChatSystem answering(Callable<Health> health) {
        return answering(health, Optional::empty);
    }

    /** As {@link #answering(Callable)}, saying what stopped for good ({@link ChatSystem#stoppedForGood}). */
    static ChatSystem answering(Callable<Health> health, Supplier<Optional<String>> stopped) {
        return (ChatSystem) Proxy.newProxyInstance(
                ChatSystem.class.getClassLoader(), new Class<?>[] {ChatSystem.class}, (proxy, method, args) -> {
                    if (method.getName().equals("stoppedForGood")) {
                        return stopped.get();
                    }
                    if (!method.getName().equals("health")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return health.call();
                });
    }
}
