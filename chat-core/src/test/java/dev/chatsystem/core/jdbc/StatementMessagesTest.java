package dev.chatsystem.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.chatsystem.core.BackendUnavailableException;
import java.util.ArrayList;
import java.util.List;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.statement.StatementException;
import org.junit.jupiter.api.Test;

/** A failed statement is logged with its failure and its text, never with the values bound to it. */
class StatementMessagesTest {
    private static final String TOKEN = "SeCrEtToKeN-bound-to-the-statement";
    private static final String INSERT = "INSERT INTO t (x) SELECT NULL WHERE ? IS NOT NULL";

    private final HandleCalls calls = new HandleCalls(dataSource(), SqlDialect.H2);

    @Test
    void aStatementsFailureNamesTheStatementButNotItsArguments() {
        calls.untranslated(handle -> handle.execute("CREATE TABLE t (x INT NOT NULL)"));

        Throwable failure = catchThrowable(() -> calls.untranslated(handle -> handle.execute(INSERT, TOKEN)));

        assertThat(failure).isInstanceOf(StatementException.class);
        assertThat(messages(failure)).doesNotContain(TOKEN);
        assertThat(failure.getMessage()).contains("NULL").contains("[statement: " + INSERT + "]");
    }

    @Test
    void aStoreFailureCarriesNoArgumentsEither() {
        Throwable failure = catchThrowable(() -> calls.read(
                "read an application",
                handle -> handle.createQuery("SELECT name FROM no_such_table WHERE token = ?")
                        .bind(0, TOKEN)
                        .mapTo(String.class)
                        .list()));

        assertThat(failure).isInstanceOf(BackendUnavailableException.class);
        assertThat(messages(failure)).doesNotContain(TOKEN);
    }

    /** Every message in the chain of causes, as a logged stack trace shows them. */
    private static String messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.add(t.toString());
        }
        return String.join("\n", messages);
    }

    private static JdbcDataSource dataSource() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:statement-messages-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        return dataSource;
    }
}
