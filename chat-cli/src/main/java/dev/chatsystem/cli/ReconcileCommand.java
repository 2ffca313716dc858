package dev.chatsystem.cli;

import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.ReconcileFailedException;
import dev.chatsystem.core.ReconcileReport;
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

    @Override
    public Integer call() {
        Output output = context.output(spec);
        try (ChatSystem system = context.open()) {
            ReconcileReport report;
            try {
                report = system.reconcileCounts();
            } catch (ReconcileFailedException e) {
                print(output, e.committed()); // committed before the failure, which the caller reports next
                throw e;
            }
            if (report.corrected() == 0 && !output.json()) {
                output.note("all counts were correct");
            } else {
                print(output, report);
            }
        }
        return ExitCodes.OK;
    }

    private static void print(Output output, ReconcileReport report) {
        Table table = Table.of("TOKEN", "CHAT", "COUNT", "WAS", "NOW");
        for (ReconcileReport.Correction c : report.corrections()) {
            boolean application = c.chatNumber() == 0;
            table.row(
                    c.token(),
                    application ? "-" : c.chatNumber(),
                    application ? "chats_count" : "messages_count",
                    c.was(),
                    c.now());
        }
        output.print(report, table);
        if (report.truncated()) {
            output.note(report.corrected() + " counts corrected; the first "
                    + report.corrections().size() + " are listed");
        }
    }
}
