package dev.chatsystem.core.elasticsearch;

import co.elastic.clients.transport.rest5_client.low_level.ResponseException;
import java.io.IOException;

/**
 * The low-level client's {@link ResponseException} as a failure may carry it into a log: its status, method and path,
 * without the query string or the answer's body that the client's message holds. A search's routing parameter is
 * {@code token/chat}, an application's credential, and Elasticsearch's error body may quote the search or a document.
 * What type and reason the error gave is in the message of the failure that carries this one ({@link ClientCalls}).
 */
final class RefusedRequest extends IOException {
    private final int status;

    private RefusedRequest(String message, int status) {
        super(message);
        this.status = status;
    }

    /** Where {@code e} was thrown, with the request named as {@link #describe} does. */
    static RefusedRequest of(ResponseException e) {
        RefusedRequest refused = new RefusedRequest(describe(e), e.getResponse().getStatusCode());
        refused.setStackTrace(e.getStackTrace());
        return refused;
    }

    /** {@code POST /index/_search: HTTP 503}. */
    static String describe(ResponseException e) {
        String uri = e.getResponse().getRequestLine().getUri();
        int query = uri.indexOf('?');
        return e.getResponse().getRequestLine().getMethod() + " " + (query < 0 ? uri : uri.substring(0, query))
                + ": HTTP " + e.getResponse().getStatusCode();
    }

    int status() {
        return status;
    }
}
