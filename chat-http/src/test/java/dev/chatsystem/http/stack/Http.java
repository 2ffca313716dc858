package dev.chatsystem.http.stack;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/** HTTP/1.1 answers read off a raw socket, for the clients of {@link SlowClients}. A read timing out throws. */
final class Http {
    /** The server closed without sending a byte. */
    static final int CLOSED = -2;
    /** The first line is no status line. */
    static final int NO_STATUS_LINE = -1;

    private Http() {}

    /** The status of the next answer, {@link #CLOSED} or {@link #NO_STATUS_LINE}; reads its status line only. */
    static int statusOf(InputStream in) throws IOException {
        String line = line(in);
        if (line == null) {
            return CLOSED;
        }
        String[] parts = line.trim().split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            return NO_STATUS_LINE;
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return NO_STATUS_LINE;
        }
    }

    /** The status of the next answer, reading the whole of it (head, and the body its length or chunks frame). */
    static int readResponse(InputStream in) throws IOException {
        int status = statusOf(in);
        if (status < 100) {
            return status;
        }
        long length = 0;
        boolean chunked = false;
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(
                        lower.substring("content-length:".length()).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (!chunked) {
            in.skipNBytes(length);
            return status;
        }
        for (long size = chunkSize(in); size > 0; size = chunkSize(in)) {
            in.skipNBytes(size + 2); // the chunk and its CRLF
        }
        for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
            // trailers, up to the blank line that ends the answer
        }
        return status;
    }

    static String shown(int status) {
        return switch (status) {
            case CLOSED -> "closed";
            case NO_STATUS_LINE -> "no status line";
            default -> Integer.toString(status);
        };
    }

    private static long chunkSize(InputStream in) throws IOException {
        String line = line(in);
        if (line == null) {
            return 0;
        }
        int extension = line.indexOf(';');
        return Long.parseLong((extension < 0 ? line : line.substring(0, extension)).trim(), 16);
    }

    /** One line without its CRLF (at most 8 KB), or null at the end of the stream before any byte. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c = in.read();
        if (c == -1) {
            return null;
        }
        for (; c != -1 && c != '\n' && line.length() < 8_192; c = in.read()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
