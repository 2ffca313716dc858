package dev.chatsystem.core.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Directories only their owner may enter ({@code rwx------}), for the embedded data: it holds every application's
 * token, the only credential for its data, and every message. Made under the umask they were {@code rwxr-xr-x}, their
 * files {@code rw-r--r--}: readable by every local user. The files inside need nothing of their own, since no one else
 * can reach them. On a file system without POSIX permissions (Windows) the directories are made as usual.
 */
public final class OwnerOnlyDirectories {
    private static final Logger log = LoggerFactory.getLogger(OwnerOnlyDirectories.class);
    private static final Set<PosixFilePermission> OWNER = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private OwnerOnlyDirectories() {}

    /** Creates {@code dir} and any missing parents owner-only; one that exists is left as it is. */
    public static Path create(Path dir) throws IOException {
        return posix(dir)
                ? Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER))
                : Files.createDirectories(dir);
    }

    /**
     * Creates {@code dir} as {@link #create} does, and takes group and other access away from one that exists, which
     * every data dir made before this version has. Tightened, not refused: the process's own data dir is its to
     * close, and a start that failed would leave the data as open as it found it. Where the process may not change it
     * (another user owns it), it warns and goes on, for the same reason.
     */
    public static Path createOrRestrict(Path dir) throws IOException {
        create(dir);
        if (posix(dir)) {
            restrict(dir);
        }
        return dir;
    }

    private static void restrict(Path dir) {
        Set<PosixFilePermission> now;
        try {
            now = Files.getPosixFilePermissions(dir);
        } catch (IOException e) {
            log.warn("cannot read the permissions of the data dir {} (it should be owner-only): {}", dir, e.toString());
            return;
        }
        Set<PosixFilePermission> ownerOnly = EnumSet.noneOf(PosixFilePermission.class);
        ownerOnly.addAll(now);
        ownerOnly.retainAll(OWNER);
        if (ownerOnly.equals(now)) {
            return;
        }
        String was = PosixFilePermissions.toString(now);
        try {
            Files.setPosixFilePermissions(dir, ownerOnly);
            log.warn(
                    "the data dir {} was open to other local users ({}): it holds every token and message, so it is"
                            + " now {}",
                    dir,
                    was,
                    PosixFilePermissions.toString(ownerOnly));
        } catch (IOException e) {
            log.warn(
                    "the data dir {} is open to other local users ({}) and could not be closed ({}): it holds every"
                            + " token and message; make it owner-only (chmod 700) as its owner",
                    dir,
                    was,
                    e.toString());
        }
    }

    private static boolean posix(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
