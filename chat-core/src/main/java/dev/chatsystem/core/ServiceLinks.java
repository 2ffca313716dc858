package dev.chatsystem.core;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The variables Kubernetes sets in every pod for each Service of the namespace whose name starts with {@code chat}
 * ({@code chat}, {@code chat-api}, {@code chat-worker}…, upper-cased with {@code -} turned into {@code _}), and
 * Docker's legacy links for such an alias: {@code <S>_SERVICE_HOST}, {@code <S>_SERVICE_PORT[_<name>]}, {@code
 * <S>_PORT=tcp://<ip>:<port>} and {@code <S>_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR]}, and for a link also {@code
 * <S>_NAME=/<container>/<alias>} and {@code <S>_ENV_<variable>}, where {@code <S>} is {@code CHAT} or {@code
 * CHAT_<NAME>}. They share the configuration's {@code CHAT_} prefix without being any of it: refused as unknown, or
 * {@code CHAT_PORT} read as a port, they kept every replica of a deployment with a Service named "chat", or named after
 * its roles ("chat-api"), from starting.
 */
public final class ServiceLinks {
    /** The variables a name and a value-independent shape tell apart from any configuration key. */
    private static final Pattern KEY = Pattern.compile("CHAT(_\\w+?)?_SERVICE_(HOST|PORT(_\\w+)?)"
            + "|CHAT(_\\w+?)?_PORT_\\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?"
            + "|CHAT_NAME|CHAT(_\\w+?)?_ENV_\\w+");
    /** {@code <S>_PORT} and {@code <S>_NAME}, told apart by their values: an address, a link's container path. */
    private static final Pattern PORT_KEY = Pattern.compile("CHAT(_\\w+?)?_PORT");

    private static final Pattern NAME_KEY = Pattern.compile("CHAT_\\w+?_NAME");
    private static final Pattern ADDRESS = Pattern.compile("(tcp|udp|sctp)://.*");

    private ServiceLinks() {}

    /** Whether {@code key}, set to {@code value}, is a service link's rather than the configuration's. */
    public static boolean isServiceLink(String key, String value) {
        if (KEY.matcher(key).matches()) {
            return true;
        }
        if (value == null) {
            return false;
        }
        return (PORT_KEY.matcher(key).matches()
                        && ADDRESS.matcher(value.strip()).matches())
                || (NAME_KEY.matcher(key).matches() && value.startsWith("/"));
    }

    /** Whether {@code environment}'s {@code key} is a service link's. */
    public static boolean isServiceLink(Map<String, String> environment, String key) {
        return isServiceLink(key, environment.get(key));
    }
}
