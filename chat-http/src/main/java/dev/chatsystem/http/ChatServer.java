package dev.chatsystem.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.chatsystem.core.ChatSystem;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.Header;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import java.time.Instant;
import java.util.Objects;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.handler.GracefulHandler;

/**
 * Builds the HTTP server over a {@link ChatSystem}: the routes, the JSON mapping (snake_case) and the error mapping.
 * The server does not own the chat system; whoever opened it closes it after stopping the server.
 */
public final class ChatServer {
    /** The largest request body accepted; larger ones are refused with 413. */
    public static final long MAX_REQUEST_SIZE = 1024 * 1024;

    /** How long a stop waits for in-flight requests to finish. */
    static final long STOP_TIMEOUT_MILLIS = 10_000;

    /** Gzip for bodies of 1,500 bytes or more, Javalin's default, named here because {@link JsonResponses} needs it. */
    private static final CompressionStrategy COMPRESSION = CompressionStrategy.GZIP;

    /** Jackson buffer sets kept for reuse, beyond which released ones are dropped: requests in flight, with room. */
    private static final int RECYCLED_BUFFERS = 64;

    private ChatServer() {}

    /** A configured, not yet started server, with meters of its own (without the workers' meters). */
    public static Javalin create(ChatSystem chatSystem) {
        return create(chatSystem, ServerMetrics.create());
    }

    /**
     * A configured, not yet started server rendering {@code metrics}, created before {@code chatSystem} was opened
     * with {@link ServerMetrics#instrument}; the server binds the system's gauges and closes the metrics when it
     * stops.
     */
    static Javalin create(ChatSystem chatSystem, ServerMetrics metrics) {
        return create(chatSystem, metrics, BodyBudget.quarterOfHeap());
    }

    /** As {@link #create(ChatSystem, ServerMetrics)}, with {@code requestBodies} bounding the request bodies held. */
    static Javalin create(ChatSystem chatSystem, ServerMetrics metrics, BodyBudget requestBodies) {
        return create(chatSystem, metrics, requestBodies, BodyBudget.quarterOfHeap());
    }

    /** As {@link #create(ChatSystem, ServerMetrics, BodyBudget)}, with {@code responseBodies} bounding the responses. */
    static Javalin create(
            ChatSystem chatSystem, ServerMetrics metrics, BodyBudget requestBodies, BodyBudget responseBodies) {
        Objects.requireNonNull(chatSystem, "chatSystem");
        metrics.bind(chatSystem);
        ObjectMapper mapper = objectMapper();
        JsonBody json = new JsonBody(mapper);
        JsonResponses responses = new JsonResponses(mapper, COMPRESSION.getDefaultMinSizeForCompression());
        ApplicationHandlers applications = new ApplicationHandlers(chatSystem, json, responses);
        ChatHandlers chats = new ChatHandlers(chatSystem, responses);
        metrics.bindBudget("responses", responseBodies);
        metrics.bindBudget("request_bodies", requestBodies);
        MessageHandlers messages = new MessageHandlers(chatSystem, json, responses, responseBodies);
        HealthHandler health = new HealthHandler(chatSystem, responses);
        return Javalin.create(config -> {
            configureServer(config, mapper, requestBodies);
            config.requestLogger.http(metrics::record);
            // Times what is answered before Javalin, which its request logger never sees (400 for a bad URI, say).
            config.jetty.modifyServer(server -> server.setRequestLog(metrics.unroutedRequests()));
            config.events.serverStopped(metrics::close);
            Problems.install(config);
            config.routes.before(ChatServer::rejectLargeDeclaredBodies);
            config.routes.before(ChatServer::rejectEncodedBodies);
            config.routes.before(Paths.MESSAGE_SEARCH, ChatServer::onlyReadSearches);
            config.routes.before(Paths.API, QueryString::check);
            // Each route's template is in Paths.TEMPLATES too, which tags the requests refused above (PathsTest).
            config.routes.post(Paths.APPLICATIONS, applications::create);
            getAndHead(config, Paths.APPLICATION, applications::show);
            config.routes.put(Paths.APPLICATION, applications::rename);
            config.routes.post(Paths.CHATS, IgnoredBody.droppedBefore(chats::create)); // takes no body
            getAndHead(config, Paths.CHATS, chats::list);
            getAndHead(config, Paths.CHAT, chats::show);
            config.routes.post(Paths.MESSAGES, messages::create);
            getAndHead(config, Paths.MESSAGES, messages::list);
            // Registered before MESSAGE so that "search" is never taken for a message number.
            getAndHead(config, Paths.MESSAGE_SEARCH, messages::search);
            getAndHead(config, Paths.MESSAGE, messages::show);
            config.routes.put(Paths.MESSAGE, messages::edit);
            getAndHead(config, Paths.HEALTH, health::handle);
            getAndHead(config, Paths.LIVE, health::live);
            getAndHead(config, Paths.METRICS, metrics::scrape);
        });
    }

    /**
     * A GET route and its HEAD twin running the same handler (Jetty drops the body). Without the twin, Javalin
     * answers HEAD with 200 whenever a GET route matches the path, without running it: 200 for a token that the GET
     * answers 404 for. Neither takes a body: one of unknown length is read and dropped first ({@link IgnoredBody}).
     */
    private static void getAndHead(JavalinConfig config, String path, io.javalin.http.Handler handler) {
        io.javalin.http.Handler bodiless = IgnoredBody.droppedBefore(handler);
        config.routes.get(path, bodiless);
        config.routes.head(path, bodiless);
    }

    /** Creates and starts a server on {@code port} (0 picks a free one; read it back with {@link Javalin#port()}). */
    public static Javalin start(ChatSystem chatSystem, int port) {
        return create(chatSystem).start(port);
    }

    /** Creates and starts a server rendering {@code metrics}, as {@link #create(ChatSystem, ServerMetrics)} does. */
    static Javalin start(ChatSystem chatSystem, ServerMetrics metrics, int port) {
        return create(chatSystem, metrics).start(port);
    }

    private static void configureServer(JavalinConfig config, ObjectMapper mapper, BodyBudget requestBodies) {
        config.concurrency.useVirtualThreads = true;
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.http.maxRequestSize = MAX_REQUEST_SIZE;
        config.http.prefer405over404 = true;
        config.http.compressionStrategy = COMPRESSION;
        config.jsonMapper(new JavalinJackson(mapper, true));
        // Javalin sets Jetty's legacy URI rules, which let "%u0041" escapes through; the router's decoding of a path
        // parameter then failed on them with a 500. Jetty refuses them with a 400 instead.
        config.jetty.modifyHttpConfiguration(http -> http.setUriCompliance(
                http.getUriCompliance().without("LEGACY_NO_UTF16", UriCompliance.Violation.UTF16_ENCODINGS)));
        config.jetty.modifyServer(server -> {
            // Graceful stop: refuse new connections, let in-flight requests finish for up to the timeout. Javalin
            // puts its own handler inside the innermost wrapper, so every request passes the budget, the response
            // rate and the stripper first.
            server.setHandler(new GracefulHandler(
                    new RequestBodyBudget(requestBodies, new ResponseDataRate(new MethodOverrideStripper()))));
            server.setStopTimeout(STOP_TIMEOUT_MILLIS);
            server.setErrorHandler(new JettyProblems(mapper));
        });
    }

    /**
     * Search answers only GET and HEAD. Its path also fits the message template, so without this check a PUT was
     * routed to the edit (a 400 for the message number "search") and other methods got a 405 that allowed PUT.
     */
    private static void onlyReadSearches(Context ctx) {
        if (!ctx.method().equals(HandlerType.GET) && !ctx.method().equals(HandlerType.HEAD)) {
            throw Problems.methodNotAllowed(HandlerType.GET, HandlerType.HEAD);
        }
    }

    /**
     * Refuses a body declared too large before anything reads it, also on routes that ignore bodies. The declared
     * length as a long: {@code ctx.contentLength()} is the servlet API's int, -1 past 2^31 - 1, which let a body
     * declared at 2 GiB through to be read (and buffered) up to the maximum without a reservation.
     */
    private static void rejectLargeDeclaredBodies(Context ctx) {
        if (ctx.req().getContentLengthLong() > MAX_REQUEST_SIZE) {
            throw new ContentTooLargeResponse();
        }
    }

    /**
     * Refuses a body in a content coding (RFC 9110 §15.5.16): nothing here decodes one, so a gzipped body was read as
     * JSON and refused as such, and a plain body labelled gzip was taken as it came.
     */
    private static void rejectEncodedBodies(Context ctx) {
        String coding = ctx.header(Header.CONTENT_ENCODING);
        boolean hasBody = ctx.req().getContentLengthLong() > 0 || ctx.header(Header.TRANSFER_ENCODING) != null;
        if (coding != null && hasBody && !coding.isBlank() && !coding.trim().equalsIgnoreCase("identity")) {
            ctx.header(Header.ACCEPT_ENCODING, "identity");
            throw new HttpResponseException(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE.getCode(),
                    "Content-Encoding " + Numbers.shown(coding) + " is not supported: send the body as it is");
        }
    }

    static ObjectMapper objectMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(64).build())
                // Javalin runs each request on a new virtual thread: with Jackson's default, per-thread pool every
                // response was written with fresh buffers (about 19 KB); a pool shared by all threads reuses them.
                .recyclerPool(JsonRecyclerPools.newBoundedPool(RECYCLED_BUFFERS))
                .build();
        return JsonMapper.builder(factory)
                .addModule(new JavaTimeModule())
                .addModule(new SimpleModule("instants").addSerializer(Instant.class, new InstantJson()))
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }
}
