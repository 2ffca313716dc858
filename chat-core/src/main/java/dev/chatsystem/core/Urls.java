package dev.chatsystem.core;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Backend URLs: their parts, and their text as it may be shown to people (in messages, logs and the admin tool's
 * output). The database, Redis and Elasticsearch URLs may carry credentials, so nothing prints one without passing
 * it through {@link #redact}.
 *
 * <p>{@link URI} finds no host in {@code redis://chat_redis:6379}: an underscore is legal in DNS names (Docker service
 * names have them) but not in an RFC 2396 host, so it parses the authority as "registry-based". {@link #host},
 * {@link #port} and {@link #userInfo} read such an authority themselves.
 */
public final class Urls {
    /** A {@code key=value} whose key names a password: {@code password=}, {@code password1=}, {@code ...Password=}. */
    private static final Pattern PASSWORD_PROPERTY =
            Pattern.compile("(?i)([a-z0-9_.-]*password[a-z0-9_.-]*=)[^&;,)#\\s]*");

    private static final String HIDDEN = "***";

    /** A host name as DNS resolvers take it: letters, digits, '-', '.' and '_'. */
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern PORT_OR_NONE = Pattern.compile("[0-9]{0,5}");

    private Urls() {}

    /**
     * The URL with its secrets replaced by {@code ***}: the password of the user info ({@code
     * redis://:s3cret@host} becomes {@code redis://:***@host}) and the value of every property whose name contains
     * "password", in the query string or in Connector/J's {@code (key=value,...)} host form. User info without a
     * colon is hidden whole, since Redis reads it as a password. Works on text that is not a valid URI too, so a
     * message about a malformed URL can still quote it.
     */
    public static String redact(String url) {
        Objects.requireNonNull(url, "url");
        return PASSWORD_PROPERTY.matcher(redactUserInfo(url)).replaceAll("$1" + HIDDEN);
    }

    /** {@link #redact(String)} of the URL's text. */
    public static String redact(URI url) {
        return redact(url.toString());
    }

    /** The URL's host, also when it holds an underscore; empty when it has none. */
    public static Optional<String> host(URI url) {
        return authority(url).map(Authority::host);
    }

    /** The URL's port, or {@code defaultPort} when it names none. */
    public static int port(URI url, int defaultPort) {
        int port = authority(url).map(Authority::port).orElse(-1);
        return port < 0 ? defaultPort : port;
    }

    /** The URL's user info, decoded ({@code user:password}); empty when it has none. */
    public static Optional<String> userInfo(URI url) {
        return authority(url).map(Authority::userInfo);
    }

    /** A server authority: user info (null when absent), host, port (-1 when absent). */
    private record Authority(String userInfo, String host, int port) {}

    private static Optional<Authority> authority(URI url) {
        Objects.requireNonNull(url, "url");
        if (url.getHost() != null) {
            // URI takes any number of digits as a port; a client would fail on one above 65535.
            return url.getPort() > 65_535
                    ? Optional.empty()
                    : Optional.of(new Authority(url.getUserInfo(), url.getHost(), url.getPort()));
        }
        String raw = url.getRawAuthority();
        if (raw == null) {
            return Optional.empty();
        }
        int at = raw.lastIndexOf('@');
        String hostPort = raw.substring(at + 1);
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        String port = colon < 0 ? "" : hostPort.substring(colon + 1);
        if (!HOST_NAME.matcher(host).matches()
                || !(port.isEmpty() || PORT.matcher(port).matches())) {
            return Optional.empty();
        }
        int number = port.isEmpty() ? -1 : Integer.parseInt(port);
        if (number > 65_535) {
            return Optional.empty();
        }
        // URLDecoder would read '+' as a space, which in a URI it is not.
        String userInfo =
                at < 0 ? null : URLDecoder.decode(raw.substring(0, at).replace("+", "%2B"), StandardCharsets.UTF_8);
        return Optional.of(new Authority(userInfo, host, number));
    }

    private static String redactUserInfo(String url) {
        int slashes = url.indexOf("//");
        if (slashes < 0) {
            return url;
        }
        int start = slashes + 2;
        int at = userInfoEnd(url, start);
        if (at < 0) {
            return url;
        }
        int colon = url.indexOf(':', start);
        String kept = colon < 0 || colon > at ? "" : url.substring(start, colon + 1);
        return url.substring(0, start) + kept + HIDDEN + url.substring(at);
    }

    /**
     * The '@' that ends the user info starting at {@code start}, or -1. In bad input a password may hold unescaped
     * '@', '/', '?' or '#' (a generated one often has a '/'), which end the authority early: such text must still be
     * hidden, so the search goes on past them while what precedes cannot be a plain {@code host:port}.
     */
    private static int userInfoEnd(String url, int start) {
        int authorityEnd = indexOfAny(url, "/?#", start);
        int at = url.lastIndexOf('@', authorityEnd - 1); // the last: a password may hold an '@'
        if (at >= start) {
            return at;
        }
        int queryStart = indexOfAny(url, "?#", start);
        at = url.lastIndexOf('@', queryStart - 1); // an '@' in the path: a '/' in the password
        if (at >= start) {
            return at;
        }
        if (!isHostPort(url.substring(start, authorityEnd), PORT)) {
            return url.indexOf('@', authorityEnd); // a '?' or '#' in the password
        }
        // What looks like host:port may be a user and a password of digits cut by a '?' or '#' ("chat:12345?x@redis").
        // An '@' after it that a host follows ends the user info, unless what comes between reads as query parameters
        // ("?user=admin@server" stays as it is).
        if (authorityEnd == url.length() || url.charAt(authorityEnd) == '/') {
            return -1;
        }
        for (int end = url.lastIndexOf('@'); end > authorityEnd; end = url.lastIndexOf('@', end - 1)) {
            if (hostFollows(url, end + 1) && !parameters(url.substring(authorityEnd + 1, end))) {
                return end;
            }
        }
        return -1;
    }

    /** Whether {@code host[:port]} (a name, an address, or an IPv6 one in brackets) starts at {@code from}. */
    private static boolean hostFollows(String url, int from) {
        String hostPort = url.substring(from, indexOfAny(url, "/?# \t", from));
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close > 1
                    && (close == hostPort.length() - 1
                            || hostPort.charAt(close + 1) == ':'
                                    && PORT_OR_NONE
                                            .matcher(hostPort.substring(close + 2))
                                            .matches());
        }
        return isHostPort(hostPort, PORT_OR_NONE);
    }

    /** Text reading as query parameters ({@code a=b}, {@code a&b}) rather than a password, whose base64 padding is not. */
    private static boolean parameters(String text) {
        String unpadded = text.replaceFirst("=+$", "");
        return unpadded.indexOf('=') >= 0 || unpadded.indexOf('&') >= 0;
    }

    private static boolean isHostPort(String hostPort, Pattern port) {
        int colon = hostPort.lastIndexOf(':');
        return colon < 0
                ? HOST_NAME.matcher(hostPort).matches()
                : HOST_NAME.matcher(hostPort.substring(0, colon)).matches()
                        && port.matcher(hostPort.substring(colon + 1)).matches();
    }

    private static int indexOfAny(String text, String chars, int from) {
        int i = from;
        while (i < text.length() && chars.indexOf(text.charAt(i)) < 0) {
            i++;
        }
        return i;
    }
}
