package dev.chatsystem.core.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.spi.NothingAppliedException;
import dev.chatsystem.core.spi.Write;
import java.lang.reflect.Proxy;
import java.sql.SQLTransientConnectionException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A pool that gives no connection (all busy past its timeout): the store says that nothing was applied. */
class NoConnectionTest {
    @Test
    void applyWithoutAConnectionSaysThatNothingWasApplied() {
        DataSource busy = (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        throw new SQLTransientConnectionException("chat-h2 - Connection is not available, request"
                                + " timed out after 5000ms (total=8, active=8, idle=0, waiting=40)");
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        JdbcChatStore store = new JdbcChatStore(new JdbcDatabase() {
            @Override
            public SqlDialect dialect() {
                return SqlDialect.H2;
            }

            @Override
            public DataSource dataSource() {
                return busy;
            }

            @Override
            public void close() {}
        }) {};

        assertThatThrownBy(() -> store.apply(List.of(new Write.ChatCreated("tok", 1, Instant.now()))))
                .isInstanceOf(NothingAppliedException.class)
                .hasMessageContaining("not available");
    }
}
