package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.ChatException;
import dev.chatsystem.core.ChatSystem;
import org.junit.jupiter.api.Test;

/** A script tells failures apart by their exit code, so each kind of failure keeps its documented code. */
class ExitCodesTest {
    @Test
    void eachFailureCodeHasItsDocumentedExitCode() {
        assertThat(ExitCodes.of(ChatException.Code.INVALID_INPUT)).isEqualTo(2);
        assertThat(ExitCodes.of(ChatException.Code.NOT_FOUND)).isEqualTo(3);
        assertThat(ExitCodes.of(ChatException.Code.BACKEND_UNAVAILABLE)).isEqualTo(4);
        assertThat(ExitCodes.of(ChatException.Code.CLOSED)).isEqualTo(4);
        assertThat(ExitCodes.of(ChatException.Code.CONFIGURATION)).isEqualTo(5);
        assertThat(ExitCodes.of(ChatException.Code.CONFLICT)).isEqualTo(1);
        assertThat(ExitCodes.of(ChatException.Code.IDEMPOTENCY_MISMATCH)).isEqualTo(1);
    }

    @Test
    void anUnexpectedErrorIsAFailure() {
        ExitCodes codes = new ExitCodes(new GlobalOptions());
        picocli.CommandLine command = Main.commandLine(new CliContext(
                java.util.Map.of(),
                ChatSystem::open,
                ChatSystem::migrate,
                ChatSystem::checkBackends,
                false,
                System::nanoTime));
        command.setErr(new java.io.PrintWriter(new java.io.StringWriter()));

        assertThat(codes.handleExecutionException(new IllegalStateException("boom"), command, null))
                .isEqualTo(ExitCodes.FAILURE);
    }
}
