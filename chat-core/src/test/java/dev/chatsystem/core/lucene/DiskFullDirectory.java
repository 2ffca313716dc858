package dev.chatsystem.core.lucene;

import java.io.IOException;
import java.util.Collection;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;

/** A directory whose new files and syncs fail as on a full disk while {@link #full} is set. */
final class DiskFullDirectory extends FilterDirectory {
    volatile boolean full;

    DiskFullDirectory(Directory in) {
        super(in);
    }

    @Override
    public IndexOutput createOutput(String name, IOContext context) throws IOException {
        failWhenFull();
        return super.createOutput(name, context);
    }

    @Override
    public IndexOutput createTempOutput(String prefix, String suffix, IOContext context) throws IOException {
        failWhenFull();
        return super.createTempOutput(prefix, suffix, context);
    }

    @Override
    public void sync(Collection<String> names) throws IOException {
        failWhenFull();
        super.sync(names);
    }

    private void failWhenFull() throws IOException {
        if (full) {
            throw new IOException("No space left on device");
        }
    }
}
