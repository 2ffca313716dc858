package dev.chatsystem.cli;

import dev.chatsystem.core.ChatSystem;
import java.io.IOException;
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
                isTerminal(Path.of("/proc/self/fd/2")),
                System::nanoTime);
        CommandLine commandLine = commandLine(context);
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
        System.exit(commandLine.execute(args));
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
                .setExecutionExceptionHandler(new ExitCodes(context.options()));
    }
}
