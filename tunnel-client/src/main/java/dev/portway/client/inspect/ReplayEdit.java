package dev.portway.client.inspect;

import java.util.List;

/**
 * What a replay changes of the recorded request; null parts are sent as recorded.
 *
 * @param headers replaces every recorded header field (framing fields are set by the replay itself)
 */
public record ReplayEdit(String method, String target, List<HttpHead.Header> headers, byte[] body) {
    public static final ReplayEdit NONE = new ReplayEdit(null, null, null, null);

    public ReplayEdit {
        headers = headers == null ? null : List.copyOf(headers);
    }
}
