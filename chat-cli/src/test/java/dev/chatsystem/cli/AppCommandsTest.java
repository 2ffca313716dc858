package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppCommandsTest {
    @TempDir
    Path dir;

    private String create(String name) {
        Cli.Result result = Cli.run("app", "create", name, "--json", "--data-dir", dir.toString());
        assertThat(result.code()).as(result.err()).isZero();
        return result.json().get("token").asText();
    }

    @Test
    void createPrintsTheNewApplicationAsATable() {
        Cli.Result result = Cli.run("--data-dir", dir.toString(), "app", "create", "Support");

        assertThat(result.code()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.out().lines().toList())
                .hasSize(2)
                .first()
                .asString()
                .startsWith("TOKEN")
                .contains("NAME", "CHATS", "CREATED");
        assertThat(result.out().lines().skip(1).findFirst().orElseThrow()).contains("Support");
    }

    @Test
    void anOutputThatCannotBeWrittenFailsTheCommand() {
        Cli.Result result = Cli.runWithUnwritableOutput("--data-dir", dir.toString(), "app", "create", "Support");

        assertThat(result.code()).isEqualTo(ExitCodes.FAILURE);
        assertThat(result.err()).contains("could not write the output");
    }

    @Test
    void showPrintsJsonWithTheHttpApiKeys() {
        String token = create("Support");

        Cli.Result result = Cli.run("--json", "app", "show", token, "--data-dir", dir.toString());

        assertThat(result.code()).isZero();
        JsonNode app = result.json();
        assertThat(app.get("token").asText()).isEqualTo(token);
        assertThat(app.get("name").asText()).isEqualTo("Support");
        assertThat(app.get("chats_count").asLong()).isZero();
        assertThat(app.get("created_at").asText()).matches("\\d{4}-.*Z");
    }

    @Test
    void renameChangesTheName() {
        String token = create("Support");

        Cli.Result renamed = Cli.run("app", "rename", token, "Help desk", "--data-dir", dir.toString());
        Cli.Result shown = Cli.run("app", "show", token, "--data-dir", dir.toString());

        assertThat(renamed.code()).isZero();
        assertThat(renamed.out()).contains("Help desk");
        assertThat(shown.out()).contains("Help desk").doesNotContain("Support");
    }

    @Test
    void listPagesByTokenAndPrintsTheNextCommandWhenMoreFollow() {
        create("one");
        create("two");
        create("three");

        Cli.Result first = Cli.run("app", "list", "--limit", "2", "--data-dir", dir.toString());
        assertThat(first.code()).isZero();
        assertThat(first.out().lines().filter(line -> !line.startsWith("TOKEN") && !line.startsWith("more")))
                .hasSize(2);
        String hint = first.out()
                .lines()
                .filter(line -> line.startsWith("more: chat-cli app list --after "))
                .findFirst()
                .orElseThrow();
        String after = hint.replaceAll(".*--after (\\S+).*", "$1");

        Cli.Result second =
                Cli.run("--json", "app", "list", "--after", after, "--limit", "2", "--data-dir", dir.toString());
        assertThat(second.code()).isZero();
        assertThat(second.json().get("items")).hasSize(1);
        assertThat(second.json().get("next_after").isNull()).isTrue();
    }

    @Test
    void anExactlyFullLastPageHasNoNextPage() {
        create("one");
        create("two");

        Cli.Result json = Cli.run("--json", "app", "list", "--limit", "2", "--data-dir", dir.toString());
        Cli.Result table = Cli.run("app", "list", "--limit", "2", "--data-dir", dir.toString());
        Cli.Result first = Cli.run("--json", "app", "list", "--limit", "1", "--data-dir", dir.toString());

        assertThat(json.json().get("items")).hasSize(2);
        assertThat(json.json().get("next_after").isNull()).isTrue();
        assertThat(table.out()).doesNotContain("more");
        assertThat(first.json().get("next_after").asText())
                .isEqualTo(first.json().get("items").get(0).get("token").asText());
    }

    @Test
    void globalOptionsWorkBeforeBetweenAndAfterTheSubcommands() {
        String token = create("Support");
        String data = dir.toString();

        for (String[] args : new String[][] {
            {"--json", "--data-dir", data, "app", "show", token},
            {"app", "--json", "show", token, "--data-dir", data},
            {"app", "show", "--data-dir", data, token, "--json"},
            {"--data-dir", data, "app", "show", token, "--json"}
        }) {
            Cli.Result result = Cli.run(args);
            assertThat(result.code())
                    .as(String.join(" ", args) + ": " + result.err())
                    .isZero();
            assertThat(result.json().get("token").asText()).isEqualTo(token);
        }
    }

    @Test
    void theDataDirFlagWinsOverTheEnvironment() {
        String token = create("Support");
        Map<String, String> environment =
                Map.of("CHAT_DATA_DIR", dir.resolve("elsewhere").toString());

        Cli.Result result = Cli.run(environment, "app", "show", token, "--data-dir", dir.toString());

        assertThat(result.code()).as(result.err()).isZero();
    }

    @Test
    void theDataDirComesFromTheEnvironmentWhenNoFlagIsGiven() {
        Map<String, String> environment = Map.of("CHAT_DATA_DIR", dir.toString());
        Cli.Result created = Cli.run(environment, "app", "create", "FromEnv", "--json");

        Cli.Result listed = Cli.run("app", "list", "--json", "--data-dir", dir.toString());

        assertThat(created.code()).isZero();
        assertThat(listed.json().get("items").get(0).get("name").asText()).isEqualTo("FromEnv");
    }

    @Test
    void anUnknownTokenFailsWithOneSentenceAndNoStackTrace() {
        Cli.Result result = Cli.run("app", "show", "no-such-token", "--data-dir", dir.toString());

        assertThat(result.code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.out()).isEmpty();
        assertThat(result.err().lines().toList())
                .singleElement()
                .asString()
                .startsWith("chat-cli: no application with token");
    }

    @Test
    void verbosePrintsTheStackTrace() {
        Cli.Result result = Cli.run("--verbose", "app", "show", "no-such-token", "--data-dir", dir.toString());

        assertThat(result.code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.err())
                .startsWith("chat-cli: no application with token")
                .contains("NotFoundException", "\tat ");
    }

    @Test
    void anArgumentStartingWithAtIsTakenAsTypedNotReadFromAFile() throws java.io.IOException {
        Path file = java.nio.file.Files.writeString(dir.resolve("docs"), "from the file");
        String name = "@" + file;

        Cli.Result result = Cli.run("app", "create", name, "--json", "--data-dir", dir.toString());

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.json().get("name").asText()).isEqualTo(name);
    }

    @Test
    void anInvalidNameIsInvalidInputInOneSentence() {
        Cli.Result result = Cli.run("app", "create", "   ", "--data-dir", dir.toString());

        assertThat(result.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err().lines().toList()).singleElement().asString().contains("name must not be blank");
    }
}
