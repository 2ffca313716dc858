package dev.chatsystem.core;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The variables Kubernetes sets in every pod for a Service named {@code chat} (and Docker's legacy links for the alias
 * {@code chat}): {@code CHAT_SERVICE_HOST}, {@code CHAT_SERVICE_PORT[_<name>]}, {@code CHAT_PORT=tcp://<ip>:<port>}
 * and {@code CHAT_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR]}, and for a link also {@code CHAT_NAME} and {@code
 * CHAT_ENV_<variable>}. They share the configuration's {@code CHAT_} prefix
 * without being any of it: refused as unknown, or that {@code CHAT_PORT} read as a port, they kept every replica of a
 * deployment whose Service has the likely name "chat" from starting.
 */
public final class ServiceLinks {
    private static final Pattern KEY =
            Pattern.compile("CHAT_SERVICE_(HOST|PORT(_\\w+)?)|CHAT_PORT_\\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?"
                    + "|CHAT_NAME|CHAT_ENV_\\w+");
    private static final Pattern ADDRESS = Pattern.compile("(tcp|udp|sctp)://.*");

    private ServiceLinks() {}

    /** Whether {@code key}, set to {@code value}, is a service link's rather than the configuration's. */
    public static boolean isServiceLink(String key, String value) {
        return KEY.matcher(key).matches()
                || (key.equals(ServerPort.ENVIRONMENT_KEY)
                        && value != null
                        && ADDRESS.matcher(value.strip()).matches());
    }

    /** Whether {@code environment}'s {@code key} is a service link's. */
    public static boolean isServiceLink(Map<String, String> environment, String key) {
        return isServiceLink(key, environment.get(key));
    }
}
