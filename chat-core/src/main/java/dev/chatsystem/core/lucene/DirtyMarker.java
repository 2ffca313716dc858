package dev.chatsystem.core.lucene;

import dev.chatsystem.core.BackendUnavailableException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.lucene.util.IOUtils;

/**
 * An empty file whose presence means "a writer had this index open and did not close it cleanly". Its creation and
 * deletion are fsync'd, file and directory, so a crash cannot lose either. Lucene's index keeps one in its directory
 * ({@link #FILE_NAME}); an index that keeps none of its own uses one in the embedded data dir.
 */
public final class DirtyMarker {
    /** The marker's name in Lucene's index directory ({@code <data dir>/index}). */
    public static final String FILE_NAME = "dirty";

    private final Path dir;
    private final Path file;

    /** The marker {@code file}, whose directory must exist. */
    public DirtyMarker(Path file) {
        this.file = file.toAbsolutePath();
        this.dir = this.file.getParent();
    }

    public boolean exists() {
        return Files.exists(file);
    }

    public void create() throws IOException {
        try (FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
            channel.force(true);
        }
        IOUtils.fsync(dir, true);
    }

    /** {@link #create}, for callers that cannot go on without it: a disk that refuses it is an unusable backend. */
    public void createOrFail() {
        try {
            create();
        } catch (IOException e) {
            throw new BackendUnavailableException("cannot create the marker " + file + ": " + e, e);
        }
    }

    public void delete() throws IOException {
        Files.deleteIfExists(file);
        IOUtils.fsync(dir, true);
    }
}
