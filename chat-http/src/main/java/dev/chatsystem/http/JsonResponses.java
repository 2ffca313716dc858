package dev.chatsystem.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Sends the wire records as {@code application/json} bodies, what {@code ctx.json} does, for less CPU. A body too small
 * to be compressed is written to the response at once, with its length: {@code ctx.json} would encode a string, then
 * copy it through a fresh 32 KiB buffer (Javalin's result stream) and match the content type against the compression
 * exclusions on every response. A body large enough to compress takes Javalin's way, which gzips it for clients that
 * accept gzip.
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

    private byte[] bytes(Object value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a wire record could not be written as JSON", e);
        }
    }
}
