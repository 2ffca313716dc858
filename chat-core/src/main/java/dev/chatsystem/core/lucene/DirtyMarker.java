package dev.chatsystem.core.lucene;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.lucene.util.IOUtils;

/**
 * An empty file whose presence means "an index writer had this directory open and did not close it cleanly". Its
 * creation and deletion are fsync'd, file and directory, so a crash cannot lose either.
 */
final class DirtyMarker {
    static final String FILE_NAME = "dirty";

    private final Path dir;
    private final Path file;

    DirtyMarker(Path dir) {
        this.dir = dir;
        this.file = dir.resolve(FILE_NAME);
    }

    boolean exists() {
        return Files.exists(file);
    }

    void create() throws IOException {
        try (FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
            channel.force(true);
        }
        IOUtils.fsync(dir, true);
    }

    void delete() throws IOException {
        Files.deleteIfExists(file);
        IOUtils.fsync(dir, true);
    }
}
