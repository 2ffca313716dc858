package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CliBasicsTest {
    @TempDir
    Path dir;

    @Test
    void versionIsTheMavenProjectVersion() {
        Cli.Result result = Cli.run("--version");

        assertThat(result.code()).isZero();
        assertThat(result.out().strip()).matches("chat-cli \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    @Test
    void everyCommandHasGeneratedHelp() {
        Cli.Result root = Cli.run("--help");
        Cli.Result search = Cli.run("search", "--help");

        assertThat(root.code()).isZero();
        assertThat(root.out()).contains("Usage: chat-cli", "app", "reindex", "doctor", "completion");
        assertThat(search.code()).isZero();
        assertThat(search.out()).contains("Usage: chat-cli search", "TOKEN", "CHAT", "QUERY", "--data-dir", "--json");
    }

    @Test
    void theRootHelpNamesTheProductionVariables() {
        assertThat(Cli.run("--help").out())
                .contains(
                        "CHAT_DB_URL",
                        "CHAT_DB_USER",
                        "CHAT_DB_PASSWORD",
                        "CHAT_REDIS_URL",
                        "CHAT_ELASTICSEARCH_URL",
                        "CHAT_ELASTICSEARCH_INDEX");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "app create|chat-cli app create \"Support\"",
                "reindex|chat-cli reindex --app \"$TOKEN\"",
                "doctor|chat-cli doctor --json | jq"
            })
    void commandsAnOperatorRunsFirstHaveExamples(String example) {
        String[] parts = example.split("\\|", 2);
        List<String> args = new ArrayList<>(List.of(parts[0].split(" ")));
        args.add("--help");

        Cli.Result help = Cli.run(args.toArray(String[]::new));

        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Examples:", parts[1]);
    }

    @Test
    void completionPrintsABashScript() {
        Cli.Result result = Cli.run("completion");

        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("complete", "chat-cli", "reindex");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--json app list", "app list --json", "--json app list --json", "--json app --json list"})
    void jsonGivenBeforeAfterOrInBothPlacesIsOn(String command) {
        assertThat(Cli.run("migrate", "--data-dir", dir.toString()).code()).isZero();
        List<String> args = new ArrayList<>(List.of("--data-dir", dir.toString()));
        args.addAll(List.of(command.split(" ")));

        Cli.Result result = Cli.run(args.toArray(String[]::new));

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.json().get("items").isArray()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "--verbose stats",
                "stats --verbose",
                "--verbose stats --verbose",
                "--json --verbose stats --verbose --json"
            })
    void verboseGivenBeforeAfterOrInBothPlacesIsOn(String command) {
        CliContext context = new CliContext(
                Map.of(), ChatSystem::open, ChatSystem::migrate, ChatSystem::checkBackends, false, System::nanoTime);

        Main.commandLine(context).parseArgs(command.split(" "));

        assertThat(context.options().verbose()).isTrue();
        assertThat(context.options().json()).isEqualTo(command.contains("--json"));
    }

    @Test
    void aMissingArgumentIsAUsageErrorInOneLine() {
        Cli.Result result = Cli.run("app", "show");

        assertThat(result.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines())
                .containsExactly(
                        "chat-cli: missing required parameter: 'TOKEN'",
                        "Try 'chat-cli app show --help' for more information.");
    }

    @Test
    void anUnknownOptionOrSubcommandIsAUsageErrorWithPicocliSuggestion() {
        Cli.Result unknown = Cli.run("stats", "--colour");
        Cli.Result mistyped = Cli.run("stats", "--jsn");
        Cli.Result subcommand = Cli.run("app", "lst");

        assertThat(unknown.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err().lines())
                .containsExactly(
                        "chat-cli: unknown option: '--colour'", "Try 'chat-cli stats --help' for more information.");
        assertThat(mistyped.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(mistyped.err().lines())
                .containsExactly(
                        "chat-cli: unknown option: '--jsn'",
                        "Possible solutions: --json",
                        "Try 'chat-cli stats --help' for more information.");
        assertThat(subcommand.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(subcommand.err().lines())
                .containsExactly(
                        "chat-cli: unknown subcommand: 'lst'",
                        "Did you mean: app list?",
                        "Try 'chat-cli app --help' for more information.");
    }

    @Test
    void aMissingSubcommandIsAUsageErrorNamingThem() {
        Cli.Result root = Cli.run();
        Cli.Result app = Cli.run("app");

        assertThat(root.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(root.err().lines().findFirst().orElseThrow())
                .startsWith("chat-cli: missing required subcommand: one of app, chat, message, search, reindex")
                .doesNotContain("help");
        assertThat(app.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(app.err().lines())
                .containsExactly(
                        "chat-cli: missing required subcommand: one of create, show, list, rename",
                        "Try 'chat-cli app --help' for more information.");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "chat list T --limit 0|chat list|--limit must be between 1 and 1000, was 0",
                "chat list T --limit 1001|chat list|--limit must be between 1 and 1000, was 1001",
                "chat list T --limit abc|chat list|--limit must be a whole number, was 'abc'",
                "chat list T --limit 1.5|chat list|--limit must be a whole number, was '1.5'",
                "chat list T --after -1|chat list|--after must be 0 or more, was -1",
                "app list --limit 0|app list|--limit must be between 1 and 1000, was 0",
                "message list T 0|message list|CHAT must be 1 or more, was 0",
                "message list T 1 --after -1|message list|--after must be 0 or more, was -1",
                "message list T 1 --limit 1001|message list|--limit must be between 1 and 1000, was 1001",
                "search T 0 word|search|CHAT must be 1 or more, was 0",
                "search T 1 word --limit 0|search|--limit must be between 1 and 1000, was 0"
            })
    void aNumberOutOfRangeIsAUsageErrorFoundBeforeTheStoreOpens(String example) {
        assertRefusedInOneLine(example);
    }

    /** Digits past a long are a number too large, not "no number". */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "message list T 99999999999999999999|message list|"
                        + "CHAT must be at most 9223372036854775807, was 99999999999999999999",
                "message list T -99999999999999999999|message list|CHAT must be 1 or more, was -99999999999999999999",
                "chat list T --after 99999999999999999999|chat list|"
                        + "--after must be at most 9223372036854775807, was 99999999999999999999",
                "app list --limit 99999999999999999999|app list|"
                        + "--limit must be between 1 and 1000, was 99999999999999999999"
            })
    void aNumberPastALongIsSaidToBeOutOfRange(String example) {
        assertRefusedInOneLine(example);
    }

    /** {@code example}: the arguments, the command path and the message, separated by '|'. */
    private void assertRefusedInOneLine(String example) {
        String[] parts = example.split("\\|");
        List<String> args = new ArrayList<>(List.of(parts[0].split(" ")));
        args.addAll(List.of("--data-dir", dir.toString()));

        Cli.Result result = Cli.run(
                config -> {
                    throw new AssertionError("opened the store");
                },
                args.toArray(String[]::new));

        assertThat(result.code()).as(result.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines())
                .containsExactly(
                        "chat-cli: " + parts[2], "Try 'chat-cli " + parts[1] + " --help' for more information.");
    }

    @Test
    void aDataDirInUseFailsWithOneSentenceAndLeavesTheDataAlone() {
        try (ChatSystem server = ChatSystem.open(ChatConfig.embedded(dir))) {
            String token = server.createApplication("Busy").token();

            Cli.Result result = Cli.run("app", "list", "--data-dir", dir.toString());

            assertThat(result.code()).isEqualTo(ExitCodes.CONFIGURATION);
            assertThat(result.out()).isEmpty();
            assertThat(result.err().lines().toList())
                    .singleElement()
                    .asString()
                    .contains("data dir", "is in use by another process", "stop the server");
            assertThat(server.application(token).name()).isEqualTo("Busy");
        }
        Cli.Result after = Cli.run("app", "list", "--data-dir", dir.toString());
        assertThat(after.code()).isZero();
        assertThat(after.out()).contains("Busy");
    }

    @Test
    void doctorReportsAFailedOpenWithTheCodeOfItsReason() {
        try (ChatSystem server = ChatSystem.open(ChatConfig.embedded(dir))) {
            Cli.Result result = Cli.run("doctor", "--data-dir", dir.toString());

            assertThat(result.code()).isEqualTo(ExitCodes.CONFIGURATION);
            assertThat(result.out()).contains("FAIL", "in use by another process");
        }
    }

    /** Kubernetes sets these in every pod for Services named "chat", "chat-api"…; the CLI runs beside the servers. */
    @Test
    void theVariablesOfServicesNamedChatAreNotRefused() {
        Cli.run("migrate", "--data-dir", dir.toString());
        Map<String, String> env = Map.of(
                "CHAT_SERVICE_HOST", "10.0.0.7",
                "CHAT_PORT", "tcp://10.0.0.7:8080",
                "CHAT_PORT_8080_TCP_ADDR", "10.0.0.7",
                "CHAT_API_SERVICE_HOST", "10.0.0.9",
                "CHAT_API_PORT", "tcp://10.0.0.9:8080",
                "CHAT_WORKER_PORT_8080_TCP_PORT", "8080");

        Cli.Result result = Cli.run(env, "--data-dir", dir.toString(), "stats");

        assertThat(result.code()).as(result.err()).isZero();
    }

    @Test
    void anUnknownChatVariableIsRefusedByName() {
        Cli.Result result = Cli.run(Map.of("CHAT_DATA_DIRECTORY", dir.toString()), "stats");

        assertThat(result.code()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(result.err().lines().toList())
                .singleElement()
                .asString()
                .contains("unknown environment variable CHAT_DATA_DIRECTORY", "CHAT_DATA_DIR", "CHAT_PORT");
    }

    @Test
    void aDataDirIsRefusedWhenTheEnvironmentSelectsTheProductionBackends() {
        Map<String, String> production = Map.of(
                "CHAT_DB_URL", "jdbc:mysql://127.0.0.1:1/chat",
                "CHAT_REDIS_URL", "redis://127.0.0.1:1",
                "CHAT_ELASTICSEARCH_URL", "http://127.0.0.1:1");

        Cli.Result result = Cli.run(production, "--data-dir", dir.toString(), "app", "create", "scratch");

        assertThat(result.code()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(result.err()).contains("--data-dir selects the embedded backends", "CHAT_DB_URL");
    }

    @Test
    void anEmptyDataDirIsRefusedRatherThanTakenForTheCurrentDirectory() {
        Cli.Result result = Cli.run("--data-dir", "", "app", "create", "scratch");

        assertThat(result.code()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(result.err()).contains("--data-dir is empty");
        assertThat(Path.of("chat.mv.db")).doesNotExist();
    }

    @Test
    void doctorReportsABadConfiguration() {
        Cli.Result result = Cli.run(Map.of("CHAT_REDIS_URL", "redis://localhost:6379"), "doctor");

        assertThat(result.code()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(result.out()).contains("config", "FAIL", "CHAT_DB_URL and CHAT_REDIS_URL must be set together");
    }

    /** A chat system closed under a command (the JVM stopping) is no backend failure: the command is run again. */
    @Test
    void aChatSystemClosedUnderACommandSaysToRunItAgain() {
        java.util.function.Function<ChatConfig, ChatSystem> closing = config -> {
            ChatSystem system = ChatSystem.open(config);
            system.close();
            return system;
        };

        Cli.Result stats = Cli.run(closing, "stats", "--data-dir", dir.toString());
        Cli.Result doctor = Cli.run(closing, "doctor", "--data-dir", dir.toString());

        assertThat(stats.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(stats.err().lines().toList())
                .singleElement()
                .asString()
                .contains("the chat system is closed", "run the command again")
                .doesNotContain("doctor", "--verbose");
        assertThat(doctor.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(doctor.out()).contains("FAIL", "the chat system is closed", "run chat-cli doctor again");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "CHAT_RECONCILE_INTERVAL=P31D",
                "CHAT_PORT=abc",
                "CHAT_PORT=65536",
                "CHAT_METRICS_TOKEN=short",
                "CHAT_METRICS_TOKEN=sixteen chars, a space"
            })
    void aSettingTheServerRefusesIsAConfigurationErrorHereToo(String setting) {
        String key = setting.substring(0, setting.indexOf('='));
        Map<String, String> environment = Map.of(key, setting.substring(key.length() + 1));
        assertThat(Cli.run("migrate", "--data-dir", dir.toString()).code()).isZero();

        Cli.Result doctor = Cli.run(environment, "doctor", "--data-dir", dir.toString());
        Cli.Result stats = Cli.run(environment, "stats", "--data-dir", dir.toString());

        assertThat(doctor.code()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(doctor.out()).contains("config", "FAIL", key);
        assertThat(stats.code()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(stats.out()).isEmpty();
        assertThat(stats.err().lines().toList()).singleElement().asString().contains(key);
    }

    @Test
    void theServersSettingsThatAreValidAreAcceptedAndTheReconcilerStaysOff() {
        Map<String, String> environment = Map.of(
                "CHAT_RECONCILE_INTERVAL", "PT1M", "CHAT_PORT", " 9000 ", "CHAT_METRICS_TOKEN", "a-scrape-secret-0123");
        CliContext context = new CliContext(
                environment, ChatSystem::open, ChatSystem::migrate, ChatSystem::checkBackends, false, System::nanoTime);

        assertThat(context.config().reconcileInterval()).isZero();
        assertThat(Cli.run(environment, "migrate", "--data-dir", dir.toString()).code())
                .isZero();
        assertThat(Cli.run(environment, "doctor", "--data-dir", dir.toString()).code())
                .isZero();
    }

    @Test
    void reseedAgainstAnUnreachableStackFailsWithOneSentence() {
        Map<String, String> production = Map.of(
                "CHAT_DB_URL", "jdbc:mysql://127.0.0.1:1/chat",
                "CHAT_REDIS_URL", "redis://127.0.0.1:1",
                "CHAT_ELASTICSEARCH_URL", "http://127.0.0.1:1");

        Cli.Result result = Cli.run(production, "reseed");

        assertThat(result.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(result.err().lines().toList()).singleElement().asString().contains("127.0.0.1");
        assertThat(result.err()).doesNotContain("at dev.chatsystem");
    }

    @Test
    void doctorShowsTheUrlsWithoutTheirPasswords() {
        Map<String, String> production = Map.of(
                "CHAT_DB_URL", "jdbc:mysql://chat:s3cret@127.0.0.1:1/chat?password=s3cret",
                "CHAT_REDIS_URL", "redis://:s3cret@127.0.0.1:1/2",
                "CHAT_ELASTICSEARCH_URL", "http://elastic:s3cret@127.0.0.1:1");

        Cli.Result table = Cli.run(production, "doctor");
        Cli.Result json = Cli.run(production, "doctor", "--json");

        assertThat(table.out())
                .contains("jdbc:mysql://chat:***@127.0.0.1:1/chat?password=***", "redis://:***@127.0.0.1:1/2")
                .contains("http://elastic:***@127.0.0.1:1");
        assertThat(json.json().get(0).get("detail").asText()).contains("redis://:***@127.0.0.1:1/2");
        assertThat(table.out() + table.err() + json.out() + json.err()).doesNotContain("s3cret");
    }

    @Test
    void aRedisDatabaseThatIsNotANumberFailsBeforeAnyBackendOpens() {
        Map<String, String> production = Map.of(
                "CHAT_DB_URL", "jdbc:mysql://127.0.0.1:1/chat",
                "CHAT_REDIS_URL", "redis://127.0.0.1:1/x",
                "CHAT_ELASTICSEARCH_URL", "http://127.0.0.1:1");

        Cli.Result result = Cli.run(production, "migrate");

        assertThat(result.code()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(result.err().lines().toList())
                .singleElement()
                .asString()
                .contains("CHAT_REDIS_URL may end with /N, a database number")
                .doesNotContain("mysql", "unexpected");
    }

    @ParameterizedTest
    @ValueSource(strings = {"doctor", "stats", "reindex", "app list"})
    void aMistypedDataDirIsAFailureNotANewEmptySystem(String command) {
        Path typo = dir.resolve("chat-dta");
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--data-dir", typo.toString()));

        Cli.Result result = Cli.run(args.toArray(String[]::new));

        assertThat(result.code()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(result.out() + result.err()).contains("does not exist", "chat-cli migrate");
        assertThat(typo).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"doctor", "stats", "migrate", "app list", "reindex"})
    void aDataDirThatIsARegularFileIsSaidToBeOne(String command) throws java.io.IOException {
        Path file = java.nio.file.Files.writeString(dir.resolve("chat-data"), "not a directory");
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--data-dir", file.toString()));

        Cli.Result result = Cli.run(args.toArray(String[]::new));

        assertThat(result.code()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(result.out() + result.err())
                .contains("data dir " + file.toAbsolutePath() + " is not a directory", "check --data-dir")
                .doesNotContain("does not exist", "migrate", "FileAlreadyExists");
        assertThat(file).isRegularFile().hasContent("not a directory");
    }

    /** README: configuration problems are doctor's config check, not an open that fails after "config ok". */
    @Test
    void doctorReportsADataDirThatIsARegularFileAsItsConfigCheck() throws java.io.IOException {
        Path file = java.nio.file.Files.writeString(dir.resolve("afile"), "not a directory");

        for (Path data : List.of(file, file.resolve("data"))) {
            Cli.Result result = Cli.run("--json", "doctor", "--data-dir", data.toString());

            assertThat(result.code()).isEqualTo(ExitCodes.CONFIGURATION);
            JsonNode check = result.json().get(0);
            assertThat(result.json()).hasSize(1);
            assertThat(check.get("name").asText()).isEqualTo("config");
            assertThat(check.get("status").asText()).isEqualTo("fail");
            assertThat(check.get("detail").asText()).contains(file.toAbsolutePath() + " is", "check --data-dir");
        }
    }

    /** CHAT_DATA_DIR=/tmp/somefile/data: the file in the way is named, not "does not exist" nor a Java exception. */
    @ParameterizedTest
    @ValueSource(strings = {"doctor", "stats", "migrate", "app list"})
    void aDataDirInsideARegularFileNamesTheFile(String command) throws java.io.IOException {
        Path file = java.nio.file.Files.writeString(dir.resolve("somefile"), "not a directory");
        Path data = file.resolve("data");
        List<String> args = new ArrayList<>(List.of(command.split(" ")));

        Cli.Result result = Cli.run(Map.of("CHAT_DATA_DIR", data.toString()), args.toArray(String[]::new));

        assertThat(result.code()).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(result.out() + result.err())
                .contains(
                        "data dir " + data.toAbsolutePath() + " cannot be created: " + file.toAbsolutePath()
                                + " is a file, not a directory",
                        "CHAT_DATA_DIR")
                .doesNotContain("does not exist", "migrate", "FileAlreadyExists", "doctor for details");
        assertThat(file).isRegularFile().hasContent("not a directory");
    }

    @Test
    void migrateCreatesADataDirThatDoesNotExistYet() {
        Path fresh = dir.resolve("fresh");

        assertThat(Cli.run("migrate", "--data-dir", fresh.toString()).code()).isZero();
        assertThat(fresh).isDirectory();
        assertThat(Cli.run("doctor", "--data-dir", fresh.toString()).code()).isZero();
    }

    @Test
    void commandsThatNeedNoBackendDoNotOpenTheDataDir() {
        Path untouched = dir.resolve("never-created");

        Cli.Result result = Cli.run("reseed", "--data-dir", untouched.toString());

        assertThat(result.code()).isZero();
        assertThat(untouched).doesNotExist();
    }
}
