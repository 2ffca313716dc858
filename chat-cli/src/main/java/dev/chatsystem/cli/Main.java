package dev.chatsystem.cli;

import dev.chatsystem.core.ChatSystem;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/** The composition root of the admin tool: builds the command line, runs it and exits with its code. */
public final class Main {
    /**
     * Lucene reports through java.util.logging that the incubating vector module is not enabled; that is a
     * performance tip for servers, noise for a command-line tool. Held here so the level outlives garbage collection.
     */
    private static final java.util.logging.Logger LUCENE_VECTORS =
            java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");

    private Main() {}

    public static void main(String[] args) {
        CliContext context = new CliContext(
                System.getenv(),
                ChatSystem::open,
                ChatSystem::migrate,
                ChatSystem::checkBackends,
                isTerminal(Path.of("/proc/self/fd/2")),
                System::nanoTime);
        CommandLine commandLine = commandLine(context);
        PrintWriter out = writer(FileDescriptor.out, System.out);
        PrintWriter err = writer(FileDescriptor.err, System.err);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionStrategy(parseResult -> {
            // logback reads these when it starts, which is when a command first opens the chat system
            if (context.options().verbose()) {
                System.setProperty("chat.log.level", "DEBUG");
                System.setProperty("chat.log.root", "INFO");
            } else {
                LUCENE_VECTORS.setLevel(java.util.logging.Level.SEVERE);
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        int code = commandLine.execute(args);
        System.exit(writtenOrFailed(code, out, err, System.err));
    }

    /**
     * Standard output or error ({@code fd}, in the charset of {@code stream}) as a writer that remembers a failed
     * write: System.out and System.err swallow I/O errors (their checkError() is the only trace, and picocli's default
     * writers wrap them without looking), so a command whose output went nowhere (a full disk, a closed pipe) would
     * exit 0, a new application's token lost with it.
     */
    private static PrintWriter writer(FileDescriptor fd, java.io.PrintStream stream) {
        return new PrintWriter(
                new BufferedWriter(new OutputStreamWriter(new FileOutputStream(fd), stream.charset())), true);
    }

    /**
     * {@code code}, unless stdout or stderr could not be written: then a failure, whatever printed it (the usage, the
     * version, a command that printed without {@link Output}, reindex's progress, a log line through {@code
     * logStream}). Commands that print through {@link Output} fail as soon as a write fails; this catches the rest. A
     * failure's own code stays: it already says the command failed, its message lost or not.
     */
    static int writtenOrFailed(int code, PrintWriter out, PrintWriter err, java.io.PrintStream logStream) {
        out.flush();
        boolean outLost = out.checkError();
        if (outLost && code == ExitCodes.OK) {
            err.println("chat-cli: could not write the output (disk full? pipe closed?)");
        }
        err.flush();
        // Nowhere is left to say why; the exit code still tells a script that what the command said went nowhere.
        boolean errLost = err.checkError() | logStream.checkError();
        return (outLost || errLost) && code == ExitCodes.OK ? ExitCodes.FAILURE : code;
    }

    /**
     * Whether {@code fd}, a file descriptor's link under /proc, leads to a terminal. Progress goes to stderr, so that
     * is the stream to ask about: System.console() answers for stdin and stdout (in {@code reindex 2>log} it is a
     * terminal console while stderr is a file), is non-null on JDK 22 to 24 even when they are redirected, and
     * Console.isTerminal() is not in Java 21. Where there is no /proc (macOS, Windows) stderr cannot be told apart,
     * so progress is printed as plain lines, which read well on a terminal too.
     */
    static boolean isTerminal(Path fd) {
        try {
            String target = Files.readSymbolicLink(fd).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** The command line for {@code context}; tests call it with their own environment and writers. */
    static CommandLine commandLine(CliContext context) {
        Map<Class<?>, Supplier<Object>> commands = Map.ofEntries(
                Map.entry(RootCommand.class, () -> new RootCommand(context.options())),
                Map.entry(AppCreateCommand.class, () -> new AppCreateCommand(context)),
                Map.entry(AppShowCommand.class, () -> new AppShowCommand(context)),
                Map.entry(AppListCommand.class, () -> new AppListCommand(context)),
                Map.entry(AppRenameCommand.class, () -> new AppRenameCommand(context)),
                Map.entry(ChatListCommand.class, () -> new ChatListCommand(context)),
                Map.entry(MessageListCommand.class, () -> new MessageListCommand(context)),
                Map.entry(SearchCommand.class, () -> new SearchCommand(context)),
                Map.entry(ReindexCommand.class, () -> new ReindexCommand(context)),
                Map.entry(ReconcileCommand.class, () -> new ReconcileCommand(context)),
                Map.entry(ReseedCommand.class, () -> new ReseedCommand(context)),
                Map.entry(MigrateCommand.class, () -> new MigrateCommand(context)),
                Map.entry(DoctorCommand.class, () -> new DoctorCommand(context)),
                Map.entry(StatsCommand.class, () -> new StatsCommand(context)));
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                Supplier<Object> command = commands.get(type);
                return command == null ? CommandLine.defaultFactory().create(type) : type.cast(command.get());
            }
        };
        // No @file expansion: an argument such as a search word or a name that starts with '@' is taken as typed,
        // never replaced by the contents of a file of that name.
        return new CommandLine(RootCommand.class, factory)
                .setExpandAtFiles(false)
                .setParameterExceptionHandler(new UsageErrors())
                .setExecutionExceptionHandler(new ExitCodes(context.options()));
    }
}
