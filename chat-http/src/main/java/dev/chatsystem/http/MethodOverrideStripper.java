package dev.chatsystem.http;

import io.javalin.http.Header;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Removes {@code X-HTTP-Method-Override} before Javalin sees the request, so that routes are chosen by the request
 * line's method only. Javalin's {@code Context.method()} (which routing uses) prefers that header and has no switch to
 * turn it off: a {@code GET} carrying {@code X-HTTP-Method-Override: PUT} and a body would rename an application, past
 * anything that treats {@code GET} as safe. The API documents no such header, so it has no effect at all.
 */
final class MethodOverrideStripper extends Handler.Wrapper {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpFields headers = request.getHeaders();
        if (!headers.contains(Header.X_HTTP_METHOD_OVERRIDE)) {
            return super.handle(request, response, callback);
        }
        HttpFields stripped =
                HttpFields.build(headers).remove(Header.X_HTTP_METHOD_OVERRIDE).asImmutable();
        return super.handle(
                new Request.Wrapper(request) {
                    @Override
                    public HttpFields getHeaders() {
                        return stripped;
                    }
                },
                response,
                callback);
    }
}
