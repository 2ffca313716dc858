package dev.chatsystem.core;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Backend URLs as they may be shown to people: in messages, logs and the admin tool's output. The database, Redis and
 * Elasticsearch URLs may carry credentials, so nothing prints one without passing it through {@link #redact}.
 */
public final class Urls {
    /** A {@code key=value} whose key names a password: {@code password=}, {@code password1=}, {@code ...Password=}. */
    private static final Pattern PASSWORD_PROPERTY =
            Pattern.compile("(?i)([a-z0-9_.-]*password[a-z0-9_.-]*=)[^&;,)#\\s]*");

    private static final String HIDDEN = "***";

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

    private static String redactUserInfo(String url) {
        int slashes = url.indexOf("//");
        if (slashes < 0) {
            return url;
        }
        int start = slashes + 2;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        // The last '@' of the authority ends the user info: a password may hold an unescaped '@' in bad input.
        int at = url.lastIndexOf('@', end - 1);
        if (at < start) {
            return url;
        }
        int colon = url.indexOf(':', start);
        String kept = colon < 0 || colon > at ? "" : url.substring(start, colon + 1);
        return url.substring(0, start) + kept + HIDDEN + url.substring(at);
    }
}
