package dev.chatsystem.core;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the embedded data dir can be where the configuration puts it. A regular file in its place, or in place of
 * one of its parents, is a configuration error, said as such and named: {@code Files.createDirectories} reports the
 * first as {@code FileAlreadyExistsException}, which reads as if the data dir were fine, and the second as "Not a
 * directory" of the data dir, which does not say which path is the file. The server and chat-cli check it as they
 * load their configuration, so that it is reported as the configuration problem it is; opening checks it again.
 */
public final class DataDir {
    private DataDir() {}

    /**
     * Fails when a data dir was asked for explicitly ({@code --data-dir}) but the configuration names the production
     * backends, which keep no data dir: the command would run on them, not on the data dir asked for. The variable
     * alone ({@code CHAT_DATA_DIR}) is not refused, as the Docker image sets it for every form.
     *
     * @throws ConfigurationException saying which setting wins and what to unset
     */
    public static void requireEmbeddedWhenAsked(ChatConfig config, boolean dataDirAsked) {
        if (config.production() && dataDirAsked) {
            throw new ConfigurationException("--data-dir selects the embedded backends, but CHAT_DB_URL selects the"
                    + " production ones; unset the CHAT_* backend variables to use a data dir");
        }
    }

    /**
     * Fails when a regular file stands where the embedded data dir or one of its parents would be; nothing for the
     * production form, which keeps no data dir.
     *
     * @param settings how the caller's user sets the data dir, for the message: {@code "CHAT_DATA_DIR or --data-dir"}
     * @throws ConfigurationException naming the file
     */
    public static void requireNoFileInTheWay(ChatConfig config, String settings) {
        if (config.production()) {
            return;
        }
        Path dir = config.dataDir().toAbsolutePath();
        for (Path path = dir; path != null; path = path.getParent()) {
            if (Files.isDirectory(path)) {
                return;
            }
            if (Files.exists(path)) {
                throw new ConfigurationException(
                        path.equals(dir)
                                ? "data dir " + dir + " is not a directory; check " + settings
                                : "data dir " + dir + " cannot be created: " + path
                                        + " is a file, not a directory; check " + settings);
            }
        }
    }
}
