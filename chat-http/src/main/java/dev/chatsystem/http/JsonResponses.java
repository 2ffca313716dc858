package dev.chatsystem.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
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

    /**
     * Leaves the stream to {@link #stream}: Jackson's default closes it, on a failure too, which sent what had been
     * written of a failed body as if it were whole.
     */
    private final ObjectWriter streamingWriter;

    private final int minSizeForCompression;

    /** Writes with {@code mapper}; bodies of {@code minSizeForCompression} bytes or more go through Javalin. */
    JsonResponses(ObjectMapper mapper, int minSizeForCompression) {
        this.writer = mapper.writer();
        this.streamingWriter = writer.without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
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
     *
     * <p>A body is ended only once all of it is written. One that fails before any of it was sent leaves nothing
     * behind, so that the failure is answered as any other; one that fails later is left unended, for {@link Problems}
     * to cut the connection: the client must see a broken response, never a truncated one that looks whole.
     *
     * @throws IllegalStateException when {@code value} cannot be written as JSON
     * @throws UncheckedIOException when the body could not be sent (the client went away or read too slowly)
     */
    void stream(Context ctx, Object value) {
        ctx.contentType(ContentType.APPLICATION_JSON);
        try (SpillingBody body = new SpillingBody(ctx.res(), acceptsGzip(ctx.header(Header.ACCEPT_ENCODING)))) {
            streamingWriter.writeValue(body, value);
            body.finish();
        } catch (JacksonException e) { // also an IOException, but ours: Jackson passes the stream's own through
            throw new IllegalStateException("a wire record could not be written as JSON", e);
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
     * them and the rest (gzipped when {@code gzip}). {@link #finish} ends the body; {@link #close} without it drops
     * what the response still holds of it.
     */
    private final class SpillingBody extends OutputStream {
        private final HttpServletResponse response;
        private final boolean gzip;
        private final byte[] head = new byte[minSizeForCompression];
        private int count;
        private OutputStream out;
        private Gzip zipped;
        private boolean finished;
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
                zipped = new Gzip(out);
                out = zipped;
            }
            out.write(head, 0, count);
        }

        /** Sends the rest of the body: the kept bytes with their length, or the gzip trailer. */
        void finish() throws IOException {
            if (out == null) {
                response.setContentLength(count);
                response.getOutputStream().write(head, 0, count);
            } else if (zipped != null) {
                zipped.finish();
            }
            finished = true;
        }

        /**
         * Frees the deflater's native memory at once. Unfinished, drops what the response buffers of the body while
         * none of it was sent (with the headers that described it), so that a problem can take its place.
         */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (zipped != null) {
                zipped.end();
            }
            if (!finished && out != null && !response.isCommitted()) {
                response.reset();
            }
        }
    }

    /** Gzip whose deflater can be freed without writing the trailer, for a body that failed. */
    private static final class Gzip extends GZIPOutputStream {
        Gzip(OutputStream out) throws IOException {
            super(out, 8192);
        }

        void end() {
            def.end();
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
