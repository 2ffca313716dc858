package dev.chatsystem.cli;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatException;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Health;
import dev.chatsystem.core.Urls;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code doctor}: checks the configuration and every backend and says how to fix what is wrong, every backend even when
 * one that is down keeps the system from opening.
 */
@Command(
        name = "doctor",
        description = {
            "Check the configuration and every backend; print what is wrong and how to fix it.",
            "Should the system not open, each production backend is still checked on its own.",
            "Exits 5 when the configuration fails (fix it first), else 4 when a backend fails (check it, then run"
                    + " doctor again); a warning (up, but needing attention) does not fail."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  chat-cli doctor",
            "  chat-cli doctor --json | jq '.[] | select(.status != \"ok\")'",
            "  chat-cli doctor >/dev/null || echo \"doctor exited $?\""
        })
final class DoctorCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    private CommandSpec spec;

    DoctorCommand(CliContext context) {
        this.context = context;
    }

    /**
     * One check as printed by {@code --json}: {@code ok} is false only when it failed; {@code status} is {@code ok},
     * {@code warn} (it works, but needs the fix) or {@code fail}.
     */
    record Check(String name, String kind, boolean ok, String status, String detail, String fix) {
        static Check passed(String name, String kind, String detail) {
            return new Check(name, kind, true, "ok", detail, "");
        }

        static Check warned(String name, String kind, String detail, String fix) {
            return new Check(name, kind, true, "warn", detail, fix);
        }

        static Check failed(String name, String kind, String detail, String fix) {
            return new Check(name, kind, false, "fail", detail, fix);
        }
    }

    @Override
    public Integer call() {
        List<Check> checks = new ArrayList<>();
        ChatConfig config;
        try {
            config = context.config();
        } catch (ChatException e) {
            checks.add(Check.failed("config", "-", e.getMessage(), "fix the CHAT_* environment variables"));
            return report(checks, ExitCodes.CONFIGURATION);
        }
        checks.add(config(config));
        int failure = ExitCodes.UNAVAILABLE; // backend rows only: it may answer when asked again
        try (ChatSystem system = context.open()) {
            Health health = system.health();
            health.backends().forEach(backend -> checks.add(check(backend, config)));
        } catch (ChatException e) {
            checks.add(
                    Check.failed("open", config.production() ? "production" : "embedded", e.getMessage(), openFix(e)));
            failure = openFailure(e);
            if (config.production()) {
                // The open stopped at the first backend it could not use: each is asked on its own, so that every one
                // that is down is named now, not one per run. (The embedded data dir is one backend: the row above.)
                eachBackend(config).forEach(backend -> checks.add(check(backend, config)));
            }
        }
        return report(checks, failure);
    }

    /** None when even that cannot use the configuration: the open row says why. */
    private List<BackendStatus> eachBackend(ChatConfig config) {
        try {
            return context.checkBackends(config).backends();
        } catch (ChatException e) {
            return List.of();
        }
    }

    /** Prints {@code checks}; the exit code is {@code failure} when one failed. */
    private int report(List<Check> checks, int failure) {
        Table table = Table.of("CHECK", "KIND", "STATUS", "DETAIL", "FIX");
        checks.forEach(c -> table.row(c.name(), c.kind(), c.ok() ? c.status() : "FAIL", c.detail(), c.fix()));
        context.output(spec).print(checks, table);
        return checks.stream().allMatch(Check::ok) ? ExitCodes.OK : failure;
    }

    private static Check config(ChatConfig config) {
        String detail = config.production()
                ? "database " + Urls.redact(config.database().orElseThrow().url()) + ", redis "
                        + Urls.redact(config.redisUrl().orElseThrow()) + ", elasticsearch "
                        + Urls.redact(config.elasticsearchUrl().orElseThrow()) + " index "
                        + config.elasticsearchIndex()
                : "data dir " + config.dataDir().toAbsolutePath()
                        + config.elasticsearchUrl()
                                .map(url ->
                                        ", elasticsearch " + Urls.redact(url) + " index " + config.elasticsearchIndex())
                                .orElse("");
        return Check.passed("config", config.production() ? "production" : "embedded", detail);
    }

    private static Check check(BackendStatus backend, ChatConfig config) {
        if (!backend.up()) {
            return Check.failed(backend.name(), backend.kind(), backend.detail(), fix(backend, config));
        }
        if (backend.warns()) {
            return Check.warned(backend.name(), backend.kind(), backend.detail(), fix(backend, config));
        }
        return Check.passed(backend.name(), backend.kind(), "");
    }

    /**
     * The exit code when the open failed: its reason decides, whatever the backend rows say (a data dir in use or a
     * schema behind is configuration; a backend down is worth retrying). Any other reason is no usage error of doctor.
     */
    private static int openFailure(ChatException e) {
        int code = ExitCodes.of(e.code());
        return code == ExitCodes.CONFIGURATION || code == ExitCodes.UNAVAILABLE ? code : ExitCodes.FAILURE;
    }

    /** What to do when the system would not open: not "run chat-cli doctor", which is this. */
    private static String openFix(ChatException e) {
        return switch (e.code()) {
            case CONFIGURATION -> {
                if (e.getMessage().contains("in use")) {
                    yield "stop the server using it or point --data-dir at another directory";
                }
                yield e.getMessage().contains("chat-cli migrate")
                        ? "run chat-cli migrate (with the servers of this version)"
                        : "fix the configuration named in the detail";
            }
            case BACKEND_UNAVAILABLE -> "check that the backend named in the detail is running and reachable";
            case CLOSED -> "run chat-cli doctor again: the chat system was closed before it answered";
            case INVALID_INPUT, NOT_FOUND, CONFLICT, IDEMPOTENCY_MISMATCH -> "see the detail";
        };
    }

    private static String fix(BackendStatus backend, ChatConfig config) {
        if (backend.name().equals("search") && backend.detail().contains("does not exist")) {
            // The admin tool does not create a missing index: its name may be mistyped rather than the index lost,
            // and a reindex under a mistyped name would build a second index beside the servers' one.
            return "check that CHAT_ELASTICSEARCH_INDEX names the servers' index; if it does, run chat-cli reindex to"
                    + " rebuild the index from the store";
        }
        if (backend.detail().contains("reindex")) { // e.g. writes the embedded index missed: no queue to check
            return "run chat-cli reindex to rebuild the index from the store";
        }
        return switch (backend.name()) {
            case "store" ->
                config.production()
                        ? storeDown(backend, config)
                        : "check the data dir is readable and writable and its disk is not full";
            case "search" ->
                backend.up() ? "run chat-cli reindex to rebuild the index from the store" : searchDown(config);
            case "numbering" -> "check the numbering backend is reachable, then run chat-cli reseed";
            case "writes", "queue" ->
                backend.detail().startsWith("Redis unreachable")
                                && config.redisUrl().isPresent()
                        ? "check that Redis is running and reachable at "
                                + Urls.redact(config.redisUrl().get())
                        : "check the write queue backend is reachable; accepted writes are retried";
            default -> "check that the " + backend.name() + " backend is reachable and configured";
        };
    }

    /** MySQL down: a schema behind is fixed by the migration, anything else by reaching the server as configured. */
    private static String storeDown(BackendStatus backend, ChatConfig config) {
        if (backend.detail().contains("chat-cli migrate")) {
            return "run chat-cli migrate (with the servers of this version)";
        }
        return "check that MySQL is running and reachable at "
                + Urls.redact(config.database().orElseThrow().url())
                + " and that CHAT_DB_USER and CHAT_DB_PASSWORD are right";
    }

    /**
     * Search down without a detail that asks for a reindex: the index cannot be reached (or, on Elasticsearch, is
     * red), and a reindex would fail the same way, its work lost.
     */
    private static String searchDown(ChatConfig config) {
        return config.elasticsearchUrl()
                .map(url -> "check that Elasticsearch is running and reachable at " + Urls.redact(url)
                        + " and that the index's primary shards are assigned")
                .orElse("check the data dir is readable and writable and its disk is not full, then restart;"
                        + " chat-cli reindex rebuilds the index from the store if searches miss messages");
    }
}
