package dev.chatsystem.http;

import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Health;
import java.lang.reflect.Proxy;
import java.util.concurrent.Callable;

/** A chat system for HTTP tests that answers only its health check; everything else fails. */
final class HealthOnlySystem {
    private HealthOnlySystem() {}

    static ChatSystem answering(Callable<Health> health) {
        return (ChatSystem) Proxy.newProxyInstance(
                ChatSystem.class.getClassLoader(), new Class<?>[] {ChatSystem.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("health")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return health.call();
                });
    }
}
