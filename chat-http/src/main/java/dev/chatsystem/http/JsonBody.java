package dev.chatsystem.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatsystem.core.InvalidInputException;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Objects;

/**
 * Reads request bodies as JSON objects and extracts typed fields strictly: a number, {@code null}, an object or an
 * array where a string is expected is invalid input (400), never coerced. Unknown fields are ignored.
 */
final class JsonBody {
    private final ObjectMapper mapper;

    JsonBody(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /** The string field {@code field} of the JSON object in the body. */
    String requiredString(Context ctx, String field) {
        JsonNode value = object(ctx).get(field);
        if (value == null || value.isNull()) {
            throw new InvalidInputException("the request body needs a string field '" + field + "'");
        }
        if (!value.isTextual()) {
            throw new InvalidInputException("'" + field + "' must be a string, was "
                    + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return value.textValue();
    }

    private JsonNode object(Context ctx) {
        byte[] body = ctx.bodyAsBytes(); // enforces the maximum request size (413)
        JsonNode node;
        try {
            node = body.length == 0 ? null : mapper.readTree(body);
        } catch (JacksonException e) {
            throw new InvalidInputException("the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInputException("the request body could not be read");
        }
        if (node == null || node.isMissingNode()) {
            throw new InvalidInputException("the request body must be a JSON object");
        }
        if (!node.isObject()) {
            throw new InvalidInputException("the request body must be a JSON object, was "
                    + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return node;
    }
}
