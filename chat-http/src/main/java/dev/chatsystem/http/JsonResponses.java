package dev.chatsystem.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.Header;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Sends the wire records as {@code application/json} bodies, what {@code ctx.json} does, for less CPU. A body too small
 * to be compressed is written to the response at once, with its length: {@code ctx.json} would encode a string, then
 * copy it through a fresh 32 KiB buffer (Javalin's result stream) and match the content type against the compression
 * exclusions on every response. A body large enough to compress takes Javalin's way, which gzips it for clients that
 * accept gzip, except with {@link #stream}, which writes it from the handler itself.
 *
 * <p>Call it last in a handler: a small body commits the response, so nothing can change it afterwards. It is not seen
 * by {@code config.http.generateEtags}, which the server leaves off.
 */
final class JsonResponses {
    private final ObjectWriter writer;
    private final int minSizeForCompression;

    /** Writes with {@code mapper}; bodies of {@code minSizeForCompression} bytes or more go through Javalin. */
    JsonResponses(ObjectMapper mapper, int minSizeForCompression) {
        this.writer = mapper.writer();
        this.minSizeForCompression = minSizeForCompression;
    }

    /** Ends {@code ctx} with {@code value} as its JSON body, keeping the status and headers already set. */
    void send(Context ctx, Object value) {
        byte[] body = bytes(value);
        ctx.contentType(ContentType.APPLICATION_JSON);
        if (body.length >= minSizeForCompression) {
            // Javalin gzips it for clients that accept gzip and says nothing of it to caches.
            ctx.header(Header.VARY, Header.ACCEPT_ENCODING);
            ctx.result(body);
            return;
        }
        HttpServletResponse response = ctx.res();
        response.setContentLength(body.length); // Jetty sends it in one go, without its aggregation buffer
        try {
            response.getOutputStream().write(body);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the response", e);
        }
    }

    /**
     * Ends {@code ctx} with {@code value} as its JSON body written from within the handler, for responses that hold
     * message bodies: {@link BodyBudget} counts their memory until the handler returns, and they never exist whole as
     * bytes. What fits under the compression threshold goes as {@link #send} sends it; a larger body streams, gzipped
     * for clients that accept gzip.
     */
    void stream(Context ctx, Object value) {
        ctx.contentType(ContentType.APPLICATION_JSON);
        try (SpillingBody body = new SpillingBody(ctx.res(), acceptsGzip(ctx.header(Header.ACCEPT_ENCODING)))) {
            writer.writeValue(body, value);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the response", e);
        }
    }

    /**
     * Whether an {@code Accept-Encoding} value accepts gzip: its {@code gzip} entry decides, else its {@code *} entry;
     * {@code q=0} refuses.
     */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        Boolean any = null;
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.split(";");
            String name = parts[0].strip().toLowerCase(Locale.ROOT);
            boolean accepted = true;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].strip().toLowerCase(Locale.ROOT).replace(" ", "");
                accepted &= !parameter.matches("q=0(\\.0{0,3})?");
            }
            if (name.equals("gzip")) {
                return accepted;
            }
            if (name.equals("*")) {
                any = accepted;
            }
        }
        return any != null && any;
    }

    /**
     * Keeps the first bytes; if the body ends within them, sends them whole with their length, otherwise streams
     * them and the rest (gzipped when {@code gzip}).
     */
    private final class SpillingBody extends OutputStream {
        private final HttpServletResponse response;
        private final boolean gzip;
        private final byte[] head = new byte[minSizeForCompression];
        private int count;
        private OutputStream out;
        private boolean closed;

        SpillingBody(HttpServletResponse response, boolean gzip) {
            this.response = response;
            this.gzip = gzip;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (out == null) {
                if (count + length < head.length) {
                    System.arraycopy(bytes, offset, head, count, length);
                    count += length;
                    return;
                }
                spill();
            }
            out.write(bytes, offset, length);
        }

        private void spill() throws IOException {
            response.addHeader(Header.VARY, Header.ACCEPT_ENCODING);
            out = response.getOutputStream();
            if (gzip) {
                response.setHeader(Header.CONTENT_ENCODING, "gzip");
                out = new GZIPOutputStream(out, 8192);
            }
            out.write(head, 0, count);
        }

        /** Idempotent: Jackson closes the stream it wrote, and so does the caller. */
        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (out == null) {
                response.setContentLength(count);
                response.getOutputStream().write(head, 0, count);
            } else if (out instanceof GZIPOutputStream zipped) {
                zipped.close(); // writes the trailer and frees the deflater's native memory at once
            }
        }
    }

    private byte[] bytes(Object value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a wire record could not be written as JSON", e);
        }
    }
}
