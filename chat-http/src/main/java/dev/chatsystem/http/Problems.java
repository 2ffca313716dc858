package dev.chatsystem.http;

import com.fasterxml.jackson.core.JacksonException;
import dev.chatsystem.core.ChatException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.Header;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.MethodNotAllowedResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP responses: RFC 9457 problem details for library failures
 * ({@link ChatException} by its {@link ChatException.Code}), for the responses Javalin raises itself (404, 405, 413…)
 * and for anything unexpected, which is logged and answered with a 500 that reveals nothing.
 */
final class Problems {
    static final String CONTENT_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://chat-system.dev/problems/";
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
    private static final RefusalLog REFUSALS = new RefusalLog(LOG, Clock.systemUTC());
    static final String BACKEND_FAILED =
            "A backend the server depends on failed or could not be reached; retry shortly (the server's log has why).";

    /** The keys under which Javalin's {@link MethodNotAllowedResponse} carries the path's methods. */
    private static final String AVAILABLE = "availableMethods";

    private static final String AVAILABLE_HTML = "Available methods";

    private Problems() {}

    /** Installs the exception handlers on a server being configured. */
    static void install(JavalinConfig config) {
        config.routes.exception(ChatException.class, Problems::chatException);
        config.routes.exception(HttpResponseException.class, Problems::httpResponse);
        config.routes.exception(Exception.class, Problems::unexpected);
    }

    private static void chatException(ChatException e, Context ctx) {
        HttpStatus status = switch (e.code()) {
            case INVALID_INPUT -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case IDEMPOTENCY_MISMATCH -> HttpStatus.UNPROCESSABLE_CONTENT;
            case BACKEND_UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            // A server draining its requests as it stops: another instance can answer the retry.
            case CLOSED -> HttpStatus.SERVICE_UNAVAILABLE;
            case CONFIGURATION -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
        String type =
                TYPE_BASE + e.code().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        if (e.code() == ChatException.Code.CLOSED) {
            ctx.header(Header.RETRY_AFTER, "1");
            // Expected while stopping, and its cause (a backend closing under the call) says nothing new.
            REFUSALS.refused(String.valueOf(ctx.method()), LoggedRoute.of(ctx), e.getMessage());
        } else if (e.code() == ChatException.Code.BACKEND_UNAVAILABLE) {
            ctx.header(Header.RETRY_AFTER, "1");
            if (e.getCause() == null) { // our own refusal: its message says why, and where it was thrown is no news
                REFUSALS.refused(String.valueOf(ctx.method()), LoggedRoute.of(ctx), e.getMessage());
            } else {
                LOG.warn("backend unavailable while serving {} {}", ctx.method(), LoggedRoute.of(ctx), e);
            }
        } else if (status.getCode() >= 500) {
            LOG.error("failed to serve {} {}", ctx.method(), LoggedRoute.of(ctx), e);
        }
        String detail;
        if (e.code() == ChatException.Code.CLOSED) {
            detail = e.getMessage(); // always the library's own sentence, never a backend's text
        } else if (e.code() == ChatException.Code.BACKEND_UNAVAILABLE) {
            // Our own refusals (a full queue, a shutdown) say what happened; a failure carrying a driver's exception
            // would show its text (hosts, user names, SQL), which belongs in the log above, not to API clients.
            detail = e.getCause() == null ? e.getMessage() : BACKEND_FAILED;
        } else if (status.getCode() >= 500) {
            detail = "The server is misconfigured.";
        } else {
            detail = e.getMessage();
        }
        render(ctx, new Problem(type, status.getMessage(), status.getCode(), detail));
    }

    private static void httpResponse(HttpResponseException e, Context ctx) {
        HttpStatus status = HttpStatus.forStatus(e.getStatus());
        String title = status == HttpStatus.UNKNOWN ? "Error" : status.getMessage();
        String detail = e.getMessage() == null || e.getMessage().isBlank() ? title : e.getMessage();
        if (status == HttpStatus.NOT_FOUND) {
            detail = "No resource at " + ctx.path();
        } else if (status == HttpStatus.METHOD_NOT_ALLOWED) {
            detail = "Method " + ctx.method() + " is not allowed on " + ctx.path();
            String allowed = allowedMethods(e);
            if (!allowed.isEmpty()) {
                ctx.header(Header.ALLOW, allowed); // RFC 9110 §15.5.6: a 405 lists the target's methods
                detail += "; allowed: " + allowed;
            }
        } else if (status == HttpStatus.SERVICE_UNAVAILABLE) {
            ctx.header(Header.RETRY_AFTER, "1"); // busy, not broken: a retry soon is welcome
        } else if (status == HttpStatus.CONTENT_TOO_LARGE) {
            detail = "The request body is larger than " + ChatServer.MAX_REQUEST_SIZE + " bytes";
        }
        render(ctx, new Problem("about:blank", title, e.getStatus(), detail));
    }

    /** A 405 for a path that allows only {@code allowed}, carrying them as Javalin's own 405s do. */
    static MethodNotAllowedResponse methodNotAllowed(HandlerType... allowed) {
        String methods = Arrays.stream(allowed).map(HandlerType::name).collect(Collectors.joining(","));
        return new MethodNotAllowedResponse(HttpStatus.METHOD_NOT_ALLOWED.getMessage(), Map.of(AVAILABLE, methods));
    }

    /**
     * The methods registered for the path, as {@code Allow} spells them. Javalin's router finds them when it raises
     * the 405 and passes them on only as a detail of the exception, comma-separated, under a key that depends on
     * whether the client accepts HTML.
     */
    private static String allowedMethods(HttpResponseException e) {
        String methods = e.getDetails().getOrDefault(AVAILABLE, e.getDetails().getOrDefault(AVAILABLE_HTML, ""));
        return Arrays.stream(methods.split(","))
                .map(String::strip)
                .filter(method -> !method.isEmpty())
                .collect(Collectors.joining(", "));
    }

    private static void unexpected(Exception e, Context ctx) {
        if (ctx.res().isCommitted()) {
            // Part of the response went out: a problem would be appended to it, and a response ended now would pass
            // for whole. Only a cut connection tells the client that it is not (the server speaks HTTP/1.1 only: the
            // connection is this exchange's alone).
            if (clientSide(e)) { // the client went away, or read too slowly and was cut off
                LOG.debug("the response could not be sent: {} {}", ctx.method(), LoggedRoute.of(ctx), e);
            } else {
                LOG.error(
                        "unexpected failure part way through the response to {} {}",
                        ctx.method(),
                        LoggedRoute.of(ctx),
                        e);
            }
            ServletContextRequest.getServletContextRequest(ctx.req())
                    .getConnectionMetaData()
                    .getConnection()
                    .getEndPoint()
                    .close(e);
            return;
        }
        HttpException refused = jettyClientError(e);
        if (refused != null) { // Jetty refused the body as it was read (408: it came in too slowly)
            ctx.header(Header.CONNECTION, "close"); // the rest of the body is still on its way
            httpResponse(
                    new HttpResponseException(refused.getCode(), Objects.requireNonNullElse(refused.getReason(), "")),
                    ctx);
            return;
        }
        if (endedEarly(e)) { // the client closed before sending the whole body: its fault, not ours
            LOG.debug("request body ended early: {} {}", ctx.method(), LoggedRoute.of(ctx), e);
            HttpStatus status = HttpStatus.BAD_REQUEST;
            render(
                    ctx,
                    new Problem(
                            "about:blank",
                            status.getMessage(),
                            status.getCode(),
                            "The request body ended before its declared length."));
            return;
        }
        LOG.error("unexpected failure serving {} {}", ctx.method(), LoggedRoute.of(ctx), e);
        HttpStatus status = HttpStatus.INTERNAL_SERVER_ERROR;
        render(ctx, new Problem("about:blank", status.getMessage(), status.getCode(), "An unexpected error occurred."));
    }

    /** The 4xx Jetty raised while the handler read the request, if that is what {@code e} is or was caused by. */
    private static HttpException jettyClientError(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                return http;
            }
        }
        return null;
    }

    /**
     * Whether {@code e} came from the connection: an I/O failure that is not Jackson's (which is also an
     * {@link IOException}, but says that a value could not be written). Jetty words a write's failure in many ways
     * (end of file, a reset, a timeout), wrapped in many ways.
     */
    private static boolean clientSide(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JacksonException) {
                return false;
            }
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static boolean endedEarly(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof org.eclipse.jetty.io.EofException) {
                return true;
            }
        }
        return false;
    }

    private static void render(Context ctx, Problem problem) {
        ctx.status(problem.status())
                .contentType(CONTENT_TYPE)
                .result(
                        ctx.jsonMapper() // bytes: a string would go out in ISO-8859-1, the default of a type without
                                // charset
                                .toJsonString(problem, Problem.class)
                                .getBytes(StandardCharsets.UTF_8));
    }
}
