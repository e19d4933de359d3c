package dev.portway.client.inspect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * The JSON shapes of the inspector's API (docs/inspector.md): a summary per exchange for lists and live updates, and
 * the whole exchange with its heads and bodies. Bodies travel as base64 of the bytes kept; a gzip or deflate body is
 * also given decoded, up to {@link #MAX_DECODED} bytes, so the page can show it.
 */
final class InspectJson {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final int MAX_DECODED = 4 * 1024 * 1024;

    private InspectJson() {
    }

    static ObjectNode summary(Exchange exchange) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", exchange.id());
        node.put("tunnel", exchange.tunnel());
        node.put("peer", exchange.peer());
        if (exchange.replayOf() != 0) {
            node.put("replayOf", exchange.replayOf());
        } else {
            node.putNull("replayOf");
        }
        node.put("startedAt", exchange.startedAt().toString());
        node.put("method", exchange.request().method());
        node.put("path", exchange.request().target());
        if (exchange.response() == null) {
            node.putNull("status");
        } else {
            node.put("status", exchange.response().status());
        }
        node.put("state", exchange.state().name().toLowerCase(Locale.ROOT));
        putMillis(node, "durationMs", exchange.totalNanos());
        putSize(node, "requestBytes", exchange.requestBody());
        putSize(node, "responseBytes", exchange.responseBody());
        return node;
    }

    static ObjectNode detail(Exchange exchange) {
        ObjectNode node = summary(exchange);
        node.set("request", message(exchange.request(), exchange.requestBody()));
        if (exchange.response() == null) {
            node.putNull("response");
        } else {
            node.set("response", message(exchange.response(), exchange.responseBody()));
        }
        ObjectNode timings = node.putObject("timings");
        putMillis(timings, "requestMs", exchange.requestNanos());
        putMillis(timings, "firstByteMs", exchange.firstByteNanos());
        putMillis(timings, "totalMs", exchange.totalNanos());
        if (exchange.note() == null) {
            node.putNull("note");
        } else {
            node.put("note", exchange.note());
        }
        return node;
    }

    private static void putMillis(ObjectNode node, String name, long nanos) {
        if (nanos < 0) {
            node.putNull(name);
        } else {
            node.put(name, nanos / 1000 / 1000.0);
        }
    }

    private static void putSize(ObjectNode node, String name, RecordedBody body) {
        if (body == null) {
            node.putNull(name);
        } else {
            node.put(name, body.size());
        }
    }

    private static ObjectNode message(HttpHead head, RecordedBody body) {
        ObjectNode node = MAPPER.createObjectNode();
        if (head.isRequest()) {
            node.put("method", head.method());
            node.put("target", head.target());
        } else {
            node.put("status", head.status());
            node.put("reason", head.reason());
        }
        node.put("version", head.version());
        ArrayNode headers = node.putArray("headers");
        head.headers().forEach(h -> headers.addArray().add(h.name()).add(h.value()));
        if (body == null) {
            node.putNull("body");
            return node;
        }
        ObjectNode b = node.putObject("body");
        b.put("size", body.size());
        b.put("kept", body.kept().length);
        b.put("truncated", body.truncated());
        b.put("base64", Base64.getEncoder().encodeToString(body.kept()));
        String coding = head.header("Content-Encoding");
        String type = head.header("Content-Type");
        b.put("contentType", type);
        b.put("contentEncoding", coding);
        if (coding != null && body.kept().length > 0) {
            decode(coding.strip().toLowerCase(Locale.ROOT), body.kept(), b);
        }
        return node;
    }

    /** Adds {@code decoded} (base64, its size, whether it stopped short) for the codings the JDK reads. */
    private static void decode(String coding, byte[] bytes, ObjectNode body) {
        InputStream in;
        try {
            in = switch (coding) {
                case "gzip", "x-gzip" -> new GZIPInputStream(new ByteArrayInputStream(bytes));
                case "deflate" -> new InflaterInputStream(new ByteArrayInputStream(bytes));
                default -> null;
            };
        } catch (IOException e) {
            body.putNull("decoded");
            return;
        }
        if (in == null) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean complete = true;
        byte[] chunk = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                int room = MAX_DECODED - out.size();
                out.write(chunk, 0, Math.min(n, room));
                if (n > room) {
                    complete = false;
                    break;
                }
            }
        } catch (IOException e) {
            // A body cut at maxBodyBytes ends mid-stream: what was decoded is still worth showing.
            complete = false;
        }
        ObjectNode decoded = body.putObject("decoded");
        decoded.put("size", out.size());
        decoded.put("complete", complete);
        decoded.put("base64", Base64.getEncoder().encodeToString(out.toByteArray()));
    }
}
