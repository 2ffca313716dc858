package dev.chatsystem.http;

import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import io.javalin.http.Context;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.RequestLog;

/**
 * The server's meters in one Prometheus registry: request latency per route template and status, the JVM, the
 * workers' batches and the reconciler ({@link WorkerMeters}), the connection pools and the write queue's backlog.
 * {@code GET /metrics} renders them in the Prometheus text format.
 *
 * <p>Created before the chat system opens, because the workers report from the moment it opens: {@link
 * #instrument} adds the worker meters to its configuration; {@link #bind} adds the gauges that read the open system.
 */
final class ServerMetrics implements AutoCloseable {
    /** The timer of every request; Prometheus shows it as {@code http_server_requests_seconds}. */
    static final String REQUESTS = "http.server.requests";

    /** The route tag of a request no route matched (404, 405): never the raw path, whose values are unbounded. */
    static final String UNMATCHED = LoggedRoute.UNMATCHED;

    /** The method label of a request whose method no route uses. */
    static final String OTHER_METHOD = "OTHER";

    /** Set on a request Javalin's logger timed, so that the Jetty-level log ({@link #unroutedRequests}) skips it. */
    private static final String TIMED = ServerMetrics.class.getName() + ".timed";

    /**
     * The request timers' histogram range. From 100 µs: {@code /health} and most reads take well under a millisecond,
     * which a range from 1 ms put all in its first bucket. Micrometer's fixed bucket set between the bounds: 76 a timer
     * and {@code +Inf} (60 from 1 ms), so each route, method and status seen costs 16 series more.
     */
    private static final Duration FASTEST_EXPECTED = Duration.ofNanos(100_000);

    /** Slower requests count in {@code +Inf} only. */
    private static final Duration SLOWEST_EXPECTED = Duration.ofSeconds(10);

    /** The methods the routes use, the only ones labelled as themselves. */
    private static final Set<String> ROUTED_METHODS = Set.of("GET", "HEAD", "POST", "PUT");

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final Map<RequestKey, Timer> timers = new ConcurrentHashMap<>();
    private final JvmGcMetrics gc;
    private final WorkerMeters workers;
    private final MetricsAccess access;
    private boolean bound;

    private ServerMetrics(PrometheusMeterRegistry registry, JvmGcMetrics gc, MetricsAccess access) {
        this.registry = registry;
        this.gc = gc;
        this.workers = new WorkerMeters(registry);
        this.access = access;
    }

    /** As {@link #create(MetricsAccess)}, for anyone to read. */
    static ServerMetrics create() {
        return create(MetricsAccess.open());
    }

    /**
     * A registry with the JVM and worker meters, which {@code GET /metrics} renders to whom {@code access} lets in;
     * request timers are added as requests arrive.
     */
    static ServerMetrics create(MetricsAccess access) {
        Objects.requireNonNull(access, "access");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return new ServerMetrics(registry, gc, access);
    }

    /** {@code config} reporting to these meters; open the chat system with it. */
    ChatConfig instrument(ChatConfig config) {
        return config.toBuilder().workerListener(workers).build();
    }

    /** Adds the pool and queue gauges of an open chat system; once. */
    synchronized ServerMetrics bind(ChatSystem chatSystem) {
        Objects.requireNonNull(chatSystem, "chatSystem");
        if (bound) {
            throw new IllegalStateException("already bound to a chat system");
        }
        bound = true;
        PoolGauges.bindTo(registry);
        QueueGauges.bindTo(registry, chatSystem);
        return this;
    }

    /**
     * The room free in a {@link BodyBudget} and the requests it refused (503): {@code chat_http_budget_available_kibibytes}
     * and {@code chat_http_budget_refusals_total}, tagged {@code budget=name}. Refusals of request bodies happen before
     * Javalin sees the request: the request timers count them by the template their path fits ({@link
     * #unroutedRequests}).
     */
    void bindBudget(String name, BodyBudget budget) {
        Gauge.builder("chat.http.budget.available", budget, BodyBudget::availableKib)
                .tag("budget", name)
                .baseUnit("kibibytes")
                .description("Room free in the heap budget of message bodies")
                .register(registry);
        FunctionCounter.builder("chat.http.budget.refusals", budget, BodyBudget::refusals)
                .tag("budget", name)
                .description("Requests answered 503 because the budget had no room in time")
                .register(registry);
    }

    /** Times a finished request; installed as Javalin's request logger, which sees every request Javalin handled. */
    void record(Context ctx, Float millis) {
        ctx.req().setAttribute(TIMED, Boolean.TRUE);
        record(method(ctx.req().getMethod()), route(ctx), ctx.statusCode(), (long) (millis * 1_000_000.0));
    }

    /**
     * Times the requests answered before Javalin's logger saw them: those Jetty answers itself (400 for a malformed
     * request line or URI, 414, 431) as {@link #UNMATCHED}, and those the body budget in front of Javalin refuses (503)
     * with the template their path fits, as for 413 and 415 ({@link #route(Context)}). A request log on the Jetty
     * server sees every request once it completes, after Javalin's logger for the ones Javalin handled; those carry
     * the logger's mark and are skipped, so each request is timed once, and the ones Javalin handled keep the route
     * template Javalin matched.
     */
    RequestLog unroutedRequests() {
        return (request, response) -> {
            if (request.getAttribute(TIMED) == null) {
                int status = response.getStatus();
                String path = request.getHttpURI().getPath();
                // Only a refusal of a well-formed request has a path worth matching; Jetty's own errors may have none.
                String route =
                        status == 503 && path != null ? Paths.template(path).orElse(UNMATCHED) : UNMATCHED;
                record(method(request.getMethod()), route, status, System.nanoTime() - request.getBeginNanoTime());
            }
        };
    }

    /** Times one request; package-private so that tests can record exact durations. */
    void record(String method, String route, int status, long nanos) {
        timers.computeIfAbsent(new RequestKey(method, route, status), this::timer)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Registering looks the meter up by its sorted tags; one map lookup per request instead. Bounded: the method
     * label, route templates and statuses are finite sets.
     */
    private Timer timer(RequestKey key) {
        return Timer.builder(REQUESTS)
                .tag("method", key.method())
                .tag("route", key.route())
                .tag("status", Integer.toString(key.status()))
                .publishPercentileHistogram()
                .minimumExpectedValue(FASTEST_EXPECTED)
                .maximumExpectedValue(SLOWEST_EXPECTED)
                .register(registry);
    }

    private record RequestKey(String method, String route, int status) {}

    /** {@code GET /metrics}. */
    void scrape(Context ctx) {
        access.require(ctx);
        ctx.contentType(PROMETHEUS_TEXT).result(scrape());
    }

    /** The meters in the Prometheus text format. */
    String scrape() {
        return registry.scrape();
    }

    /**
     * The request line's method if the API routes it, else {@link #OTHER_METHOD}. Not {@code ctx.method()}: it reads
     * {@code X-HTTP-Method-Override} first, and Jetty accepts any token as a method, so either would let a client
     * add a label value, and a timer, per spelling it sends.
     */
    private static String method(String requested) {
        return requested != null && ROUTED_METHODS.contains(requested) ? requested : OTHER_METHOD;
    }

    /**
     * The matched route's template. A request answered without one was either routed nowhere (a 404 or 405: {@link
     * #UNMATCHED}) or refused before routing (413, 415): that one gets the template its path fits, so that
     * dashboards see such refusals per route.
     */
    private static String route(Context ctx) {
        String matched = LoggedRoute.of(ctx);
        if (!matched.equals(UNMATCHED)) {
            return matched;
        }
        int status = ctx.statusCode();
        return status == 404 || status == 405
                ? UNMATCHED
                : Paths.template(ctx.path()).orElse(UNMATCHED);
    }

    /** Idempotent: both the server's stop event and a failed start may close it. */
    @Override
    public synchronized void close() {
        if (registry.isClosed()) {
            return;
        }
        gc.close();
        registry.close();
    }
}
