package dev.chatsystem.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Renders the errors Jetty raises before a request reaches the routes (a malformed URI, bad UTF-8, an illegal
 * header) as problem details too, instead of Jetty's HTML page. Jetty closes such connections, so say so.
 */
final class JettyProblems extends ErrorHandler {
    private final ObjectMapper mapper;

    JettyProblems(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        if (code == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
            // Jetty's parser says 505 for any request line whose last part is not a known version, which is what a
            // garbled request line looks like: a client error, and garbage must never earn a 5xx.
            code = HttpStatus.BAD_REQUEST_400;
            message = "malformed request line (unknown HTTP version)";
            response.setStatus(code);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
        if (code >= 400 && code < 500) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        if (code == HttpStatus.SERVICE_UNAVAILABLE_503 && !response.getHeaders().contains(HttpHeader.RETRY_AFTER)) {
            // As every 503 of the API: a graceful stop's refusals of requests on connections still open too.
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        }
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    /** Every method gets its problem details, a PUT refused before the routes too (Jetty's default: GET and POST). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
        fields.put(HttpHeader.CONNECTION, "close");
        return ByteBuffer.wrap(body(status, reason));
    }

    private byte[] body(int status, String message) {
        String title = Objects.requireNonNullElse(HttpStatus.getMessage(status), "Error");
        String detail = message == null || message.isBlank() ? title : message;
        try {
            return mapper.writeValueAsBytes(new Problem("about:blank", title, status, detail));
        } catch (JsonProcessingException e) {
            return ("{\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
