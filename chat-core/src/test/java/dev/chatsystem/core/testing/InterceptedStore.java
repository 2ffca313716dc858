package dev.chatsystem.core.testing;

import dev.chatsystem.core.spi.ChatStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * A real store whose calls pass through an interceptor first: for tests that make it fail, wait, answer otherwise or
 * record what it was asked, at a chosen call, without writing out every method of the port.
 */
public final class InterceptedStore {
    /** Decides the answer to one call; {@code store} makes the real one (its own exceptions unwrapped). */
    @FunctionalInterface
    public interface Interceptor {
        Object intercept(Method method, Object[] args, RealCall store) throws Throwable;
    }

    /** The intercepted call as the real store answers it. */
    @FunctionalInterface
    public interface RealCall {
        Object proceed() throws Throwable;
    }

    private InterceptedStore() {}

    public static ChatStore around(ChatStore store, Interceptor interceptor) {
        return (ChatStore) Proxy.newProxyInstance(
                ChatStore.class.getClassLoader(),
                new Class<?>[] {ChatStore.class},
                (proxy, method, args) -> interceptor.intercept(method, args, () -> {
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }
}
