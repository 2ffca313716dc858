package dev.chatsystem.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Prints a command's result either as a readable table or, with {@code --json}, as JSON with the snake_case keys
 * of the HTTP API. Notes (hints, next-page commands) appear only in table mode, so JSON output stays parseable.
 */
final class Output {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final PrintWriter out;
    private final boolean json;

    Output(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    /** Prints {@code data} as JSON or {@code table} as text. */
    void print(Object data, Table table) {
        if (json) {
            try {
                out.println(JSON.writeValueAsString(data));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            table.print(out);
        }
        flush();
    }

    /** A line for humans, left out of JSON output. */
    void note(String line) {
        if (!json) {
            out.println(line);
            flush();
        }
    }

    /**
     * Flushes, and fails when the output could not be written (a full disk, a closed pipe): a PrintWriter only
     * remembers such errors, and a command that printed a new application's token nowhere must not exit 0.
     */
    private void flush() {
        out.flush();
        if (out.checkError()) {
            throw new UncheckedIOException(
                    new java.io.IOException("could not write the output (disk full? pipe closed?)"));
        }
    }
}
