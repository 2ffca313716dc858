package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The server's JSON mapping, beyond what the routes show. */
class ObjectMapperTest {
    @Test
    void requestsOnVirtualThreadsReuseEachOthersBuffers() throws Exception {
        RecyclerPool<BufferRecycler> pool =
                ChatServer.objectMapper().getFactory()._getRecyclerPool();

        BufferRecycler released = onANewVirtualThread(() -> {
            BufferRecycler recycler = pool.acquireAndLinkPooled();
            recycler.releaseToPool();
            return recycler;
        });
        BufferRecycler reused = onANewVirtualThread(pool::acquireAndLinkPooled);

        assertThat(reused).isSameAs(released);
    }

    private static <T> T onANewVirtualThread(Callable<T> task) throws Exception {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            return executor.submit(task).get();
        }
    }
}
