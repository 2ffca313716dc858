package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Message bodies come from API clients: the table shows them without letting them drive the admin's terminal. */
class RowsTest {
    private static final String CLEAR_SCREEN = "\u001b[2J\u001b]0;owned\u0007 printer";

    @TempDir
    Path dir;

    @Test
    void aBidiOverrideInAnApplicationNameIsShownEscapedInTablesAndKeptInJson() {
        String name = "support\u202Eevil";
        try (ChatSystem system = ChatSystem.open(ChatConfig.embedded(dir))) {
            system.createApplication(name);
        }

        Cli.Result table = Cli.run("app", "list", "--data-dir", dir.toString());
        Cli.Result json = Cli.run("--json", "app", "list", "--data-dir", dir.toString());

        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).doesNotContain("\u202E").contains("support\\u202eevil");
        assertThat(json.json().get("items").get(0).get("name").asText()).isEqualTo(name);
    }

    @Test
    void everyCommandThatPrintsANameEscapesLineSeparatorsAndBidiMarksInIt() {
        String name = "a\u2028b\u2029c\u200Fd\u202Ee"; // U+2028/9 break a table's line; U+200F and U+202E reorder it
        String escaped = "a\\u2028b\\u2029c\\u200fd\\u202ee";
        String data = dir.toString();

        Cli.Result created = Cli.run("app", "create", name, "--data-dir", data);
        String token = created.out().lines().skip(1).findFirst().orElseThrow().split(" ")[0];
        Cli.Result shown = Cli.run("app", "show", token, "--data-dir", data);
        Cli.Result listed = Cli.run("app", "list", "--data-dir", data);
        Cli.Result renamed = Cli.run("app", "rename", token, "x" + name, "--data-dir", data);

        for (Cli.Result table : new Cli.Result[] {created, shown, listed, renamed}) {
            assertThat(table.code()).as(table.err()).isZero();
            assertThat(table.out())
                    .doesNotContain("\u2028", "\u2029", "\u200F", "\u202E")
                    .contains(escaped);
            assertThat(table.out().lines()).hasSize(2);
        }
        assertThat(Cli.run("--json", "app", "show", token, "--data-dir", data)
                        .json()
                        .get("name")
                        .asText())
                .isEqualTo("x" + name);
    }

    @Test
    void controlCharactersInBodiesAreShownEscapedInTablesAndKeptInJson() {
        String token;
        try (ChatSystem system = ChatSystem.open(ChatConfig.embedded(dir))) {
            token = system.createApplication("Escapes").token();
            system.createChat(token);
            system.createMessage(token, 1, CLEAR_SCREEN);
        }

        Cli.Result list = Cli.run("message", "list", token, "1", "--data-dir", dir.toString());
        Cli.Result search = Cli.run("search", token, "1", "printer", "--data-dir", dir.toString());
        Cli.Result json = Cli.run("--json", "message", "list", token, "1", "--data-dir", dir.toString());

        for (Cli.Result table : new Cli.Result[] {list, search}) {
            assertThat(table.code()).as(table.err()).isZero();
            assertThat(table.out())
                    .doesNotContain("\u001b", "\u0007")
                    .contains("\\u001b[2J\\u001b]0;owned\\u0007 printer");
        }
        assertThat(json.json().get("items").get(0).get("body").asText()).isEqualTo(CLEAR_SCREEN);
    }

    @Test
    void escapesBidiControlsAndFoldsWhitespace() {
        assertThat(Rows.oneLine(" a\u202Eb\r\n\tc\u2028d\u0000 ")).isEqualTo("a\\u202eb c d\\u0000");
        assertThat(Rows.oneLine("a\u200Fb\u061Cc")).isEqualTo("a\\u200fb\\u061cc");
    }

    @Test
    void cutsBetweenCodePointsNeverInsideASurrogatePairOrAnEscape() {
        String emoji = "a".repeat(58) + "😀😀😀";
        String escapes = "a".repeat(55) + "\u001b".repeat(3);

        assertThat(Rows.oneLine(emoji)).isEqualTo("a".repeat(58) + "…");
        assertThat(Rows.oneLine("a".repeat(57) + "😀😀")).isEqualTo("a".repeat(57) + "😀…");
        assertThat(Rows.oneLine(escapes)).isEqualTo("a".repeat(55) + "…");
        assertThat(Rows.oneLine("a".repeat(60))).isEqualTo("a".repeat(60));
        assertThat(Rows.oneLine("a".repeat(61))).isEqualTo("a".repeat(59) + "…");
    }
}
