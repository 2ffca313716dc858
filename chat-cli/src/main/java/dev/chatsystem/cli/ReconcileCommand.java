package dev.chatsystem.cli;

import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.ReconcileFailedException;
import dev.chatsystem.core.ReconcileReport;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code reconcile}: recomputes the counts from the store now. */
@Command(
        name = "reconcile",
        description = "Recompute chats_count and messages_count from the store and print what was corrected.")
final class ReconcileCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    private CommandSpec spec;

    ReconcileCommand(CliContext context) {
        this.context = context;
    }

    /**
     * What {@code --json} prints: every correction listed, {@code corrected} the count of all of them and {@code
     * truncated} whether some were counted but not listed.
     */
    record Result(List<Correction> corrections, long corrected, boolean truncated) {
        static Result of(ReconcileReport report) {
            return new Result(
                    report.corrections().stream().map(Correction::of).toList(), report.corrected(), report.truncated());
        }
    }

    /**
     * One corrected count, named: {@code count} is {@code chats_count} (an application's; {@code chatNumber} null)
     * or {@code messages_count} (a chat's). The library marks an application's with chat number 0, which is no chat.
     */
    record Correction(String token, Long chatNumber, String count, long was, long now) {
        static Correction of(ReconcileReport.Correction c) {
            boolean application = c.chatNumber() == 0;
            return new Correction(
                    c.token(),
                    application ? null : c.chatNumber(),
                    application ? "chats_count" : "messages_count",
                    c.was(),
                    c.now());
        }
    }

    @Override
    public Integer call() {
        Output output = context.output(spec);
        try (ChatSystem system = context.open()) {
            ReconcileReport report;
            try {
                report = system.reconcileCounts();
            } catch (ReconcileFailedException e) {
                print(output, Result.of(e.committed())); // committed before the failure, which the caller reports next
                throw e;
            }
            if (report.corrected() == 0 && !output.json()) {
                output.note("all counts were correct");
            } else {
                print(output, Result.of(report));
            }
        }
        return ExitCodes.OK;
    }

    private static void print(Output output, Result result) {
        Table table = Table.of("TOKEN", "CHAT", "COUNT", "WAS", "NOW");
        for (Correction c : result.corrections()) {
            table.row(c.token(), c.chatNumber() == null ? "-" : c.chatNumber(), c.count(), c.was(), c.now());
        }
        output.print(result, table);
        if (result.truncated()) {
            output.note(result.corrected() + " counts corrected; the first "
                    + result.corrections().size() + " are listed");
        }
    }
}
