import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lag probe of {@code bench/run lag}: while the load runs, creates one message every INTERVAL ms in a chat of
 * its own (the load never writes there) carrying a word no other message has, then measures for each one the time
 * from its 201 until
 *
 * <ul>
 *   <li><b>persisted</b>: its row is in MySQL, read over JDBC from the store's tables (not through the API, which
 *       answers pending writes from Redis), and
 *   <li><b>searchable</b>: {@code GET …/messages/search} finds it.
 * </ul>
 *
 * MySQL is polled every POLL ms, search every SEARCH_POLL ms (a search costs the server far more than the
 * primary-key lookup), each with one query for all outstanding probes (every probe word starts with the same run
 * prefix, so one prefix search finds them all); so each lag is an upper bound, late by at most one poll interval
 * plus one query. Run with the server jar on the class path for the JDBC driver:
 *
 * <pre>java -cp chat-server.jar bench/Probe.java BASE TOKEN CHAT JDBC_URL SECONDS INTERVAL_MS POLL_MS SEARCH_POLL_MS
 *     TIMEOUT_S OUT</pre>
 *
 * Prints one line {@code PROBE key=value…} (milliseconds) and writes one line per probe to OUT: number, create
 * latency, persisted lag and searchable lag in ms (-1 when not seen before TIMEOUT_S after the last create). The
 * percentiles count a probe never seen as later than any: shown as {@code >TIMEOUT} in ms once it reaches them.
 */
public final class Probe {
    private static final Pattern NUMBER = Pattern.compile("\"message_number\":(\\d+)");
    /** The lag of a probe never seen, in the percentiles: later than any seen. */
    private static final long UNSEEN = Long.MAX_VALUE;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String chatUrl;
    private final String token;
    private final long chat;
    private final String prefix;
    /** message number → nanoTime of its 201, for probes not yet seen persisted / searchable. */
    private final Map<Long, Long> unpersisted = new ConcurrentSkipListMap<>();
    private final Map<Long, Long> unsearchable = new ConcurrentSkipListMap<>();
    private final List<long[]> probes = new CopyOnWriteArrayList<>(); // number, create µs, persisted µs, searchable µs

    private Probe(String base, String token, long chat) {
        this.token = token;
        this.chat = chat;
        this.chatUrl = base + "/api/v1/applications/" + token + "/chats/" + chat + "/messages";
        Random random = new Random();
        StringBuilder run = new StringBuilder("zq");
        for (int i = 0; i < 6; i++) {
            run.append((char) ('a' + random.nextInt(26)));
        }
        this.prefix = run.append('x').toString();
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 10) {
            System.err.println(
                    "usage: Probe BASE TOKEN CHAT JDBC_URL SECONDS INTERVAL_MS POLL_MS SEARCH_POLL_MS TIMEOUT_S OUT");
            System.exit(2);
        }
        Probe probe = new Probe(args[0], args[1], Long.parseLong(args[2]));
        long seconds = Long.parseLong(args[4]);
        long interval = Long.parseLong(args[5]);
        long poll = Long.parseLong(args[6]);
        long searchPoll = Long.parseLong(args[7]);
        long timeout = Long.parseLong(args[8]);
        try (Connection db = DriverManager.getConnection(args[3])) { // the URL names the user and password
            probe.run(db, seconds, interval, poll, searchPoll, timeout);
        }
        probe.report(Path.of(args[9]), poll, searchPoll, timeout);
    }

    private void run(Connection db, long seconds, long interval, long poll, long searchPoll, long timeout)
            throws Exception {
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        int[] sequence = {0};
        sender.scheduleAtFixedRate(() -> create(++sequence[0]), 0, interval, TimeUnit.MILLISECONDS);
        long stopSending = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long giveUp = stopSending + TimeUnit.SECONDS.toNanos(timeout);
        boolean sending = true;
        long nextSearch = 0;
        String sql = "SELECT m.message_number FROM messages m JOIN chats c ON c.id = m.chat_id"
                + " JOIN applications a ON a.id = c.application_id"
                + " WHERE a.token = ? AND c.chat_number = ? AND m.message_number >= ?";
        try (PreparedStatement persisted = db.prepareStatement(sql)) {
            while (System.nanoTime() < giveUp) {
                if (sending && System.nanoTime() >= stopSending) {
                    sender.shutdown();
                    sender.awaitTermination(30, TimeUnit.SECONDS);
                    sending = false;
                }
                if (!sending && unpersisted.isEmpty() && unsearchable.isEmpty()) {
                    break;
                }
                pollStore(persisted);
                if (System.nanoTime() >= nextSearch) {
                    nextSearch = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(searchPoll);
                    pollSearch();
                }
                Thread.sleep(poll);
            }
        } finally {
            sender.shutdownNow();
        }
    }

    private void create(int sequence) {
        String body = "{\"body\":\"probe " + prefix + sequence + " lag\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(chatUrl))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long acknowledged = System.nanoTime();
            Matcher number = NUMBER.matcher(response.body());
            if (response.statusCode() != 201 || !number.find()) {
                System.err.println("probe: create answered " + response.statusCode() + " " + response.body());
                return;
            }
            long n = Long.parseLong(number.group(1));
            probes.add(new long[] {n, (acknowledged - start) / 1000, -1, -1});
            unpersisted.put(n, acknowledged);
            unsearchable.put(n, acknowledged);
        } catch (Exception e) {
            System.err.println("probe: create failed: " + e);
        }
    }

    private void pollStore(PreparedStatement persisted) throws SQLException {
        if (unpersisted.isEmpty()) {
            return;
        }
        long asked = System.nanoTime();
        persisted.setString(1, token);
        persisted.setLong(2, chat);
        persisted.setLong(3, ((ConcurrentSkipListMap<Long, Long>) unpersisted).firstKey());
        try (ResultSet rows = persisted.executeQuery()) {
            while (rows.next()) {
                seen(unpersisted, rows.getLong(1), asked, 2);
            }
        }
    }

    private void pollSearch() throws Exception {
        if (unsearchable.isEmpty()) {
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(chatUrl + "/search?limit=1000&query=" + prefix))
                .timeout(Duration.ofSeconds(30))
                .build();
        long asked = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            System.err.println("probe: search answered " + response.statusCode());
            return;
        }
        Matcher number = NUMBER.matcher(response.body());
        while (number.find()) {
            seen(unsearchable, Long.parseLong(number.group(1)), asked, 3);
        }
    }

    /** The query that saw it started at {@code asked}: the probe was there by then, so that is its arrival. */
    private void seen(Map<Long, Long> outstanding, long number, long asked, int column) {
        Long acknowledged = outstanding.remove(number);
        if (acknowledged == null) {
            return;
        }
        for (long[] probe : probes) {
            if (probe[0] == number) {
                probe[column] = Math.max(0, asked - acknowledged) / 1000;
            }
        }
    }

    private void report(Path out, long poll, long searchPoll, long timeout) throws Exception {
        List<String> lines = new ArrayList<>();
        List<Long> create = new ArrayList<>();
        List<Long> persisted = new ArrayList<>();
        List<Long> searchable = new ArrayList<>();
        for (long[] probe : probes) {
            lines.add(probe[0] + " " + ms(probe[1]) + " " + ms(probe[2]) + " " + ms(probe[3]));
            create.add(probe[1]);
            persisted.add(probe[2] >= 0 ? probe[2] : UNSEEN);
            searchable.add(probe[3] >= 0 ? probe[3] : UNSEEN);
        }
        Files.write(out, lines);
        String late = ">" + timeout * 1000;
        System.out.println("PROBE sent=" + probes.size() + " poll_ms=" + poll + " search_poll_ms=" + searchPoll
                + stats("create", create, late) + stats("persisted", persisted, late)
                + stats("searchable", searchable, late)
                + " unpersisted=" + persisted.stream().filter(v -> v == UNSEEN).count()
                + " unsearchable=" + searchable.stream().filter(v -> v == UNSEEN).count());
    }

    /**
     * Percentiles over every probe sent: one never seen counts as later than any ({@link #UNSEEN}) and shows as
     * {@code late} (over the timeout), so that probes lost or stuck cannot leave a percentile looking good.
     */
    private static String stats(String name, List<Long> micros, String late) {
        Collections.sort(micros);
        return " " + name + "_n=" + micros.stream().filter(v -> v != UNSEEN).count()
                + " " + name + "_p50_ms=" + ms(percentile(micros, 50), late)
                + " " + name + "_p99_ms=" + ms(percentile(micros, 99), late)
                + " " + name + "_max_ms=" + ms(micros.isEmpty() ? -1 : micros.get(micros.size() - 1), late);
    }

    /** Nearest rank: the smallest value with at least p % of the values at or below it. */
    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static String ms(long micros, String late) {
        return micros == UNSEEN ? late : ms(micros);
    }

    private static String ms(long micros) {
        return micros < 0 ? "-1" : String.format(java.util.Locale.ROOT, "%.1f", micros / 1000.0);
    }
}
