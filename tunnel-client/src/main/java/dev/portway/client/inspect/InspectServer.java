package dev.portway.client.inspect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portway.client.config.InspectConfig;
import dev.portway.protocol.config.HostPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The inspector's page and JSON API (docs/inspector.md) on {@code inspect.address:inspect.port}. The JDK's HTTP
 * server on a few daemon threads serves it, apart from the event loops that carry tunnel traffic, as the client's
 * metrics endpoint does.
 *
 * <p>Only a browser the user points at it should use it: requests must name the listener itself in {@code Host} (no
 * DNS rebinding), and requests that change something must be JSON, which a page of another origin cannot send without
 * a CORS preflight this server never grants. The page runs under a strict Content-Security-Policy.
 */
public final class InspectServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InspectServer.class);
    static final int THREADS = 8;
    /** Live update channels at once; each holds a thread. */
    static final int MAX_EVENT_STREAMS = 4;
    /** The JSON of an edited replay, body included (as text or base64). */
    static final int MAX_EDIT_BYTES = 16 * 1024 * 1024;
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> ASSETS = Map.of(
            "/", "index.html",
            "/app.js", "app.js",
            "/body.js", "body.js",
            "/style.css", "style.css");
    private static final Pattern ONE = Pattern.compile("/api/requests/(\\d{1,18})");
    private static final Pattern REPLAY = Pattern.compile("/api/requests/(\\d{1,18})/replay");
    private static final int DEFAULT_LIMIT = 200;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final HttpServer server;
    private final ExecutorService executor;
    private final InspectLog inspectLog;
    private final Replayer replayer;
    private final AtomicInteger eventStreams = new AtomicInteger();
    private final String configuredAddress;

    private InspectServer(HttpServer server, ExecutorService executor, InspectLog inspectLog, Replayer replayer,
                          String configuredAddress) {
        this.configuredAddress = configuredAddress;
        this.server = server;
        this.executor = executor;
        this.inspectLog = inspectLog;
        this.replayer = replayer;
    }

    /**
     * @param targets the local target of a tunnel this client serves now, for replays
     * @throws IOException when the address cannot be listened on
     */
    public static InspectServer start(InspectConfig config, InspectLog inspectLog,
                                      Function<String, Optional<HostPort>> targets) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(config.address(), config.port()), 32);
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "portway-inspect-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        InspectServer inspect = new InspectServer(server, executor, inspectLog,
                new Replayer(inspectLog, targets, Duration.ofSeconds(5), Duration.ofSeconds(30)), config.address());
        server.createContext("/", inspect::serve);
        server.start();
        log.info("inspector listening address={}", inspect.address());
        return inspect;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            route(exchange);
        } catch (IOException e) {
            log.debug("inspector request ended early: {}", e.toString());
        } catch (RuntimeException e) {
            log.error("inspector request failed path={}", exchange.getRequestURI().getPath(), e);
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (!hostIsThisListener(exchange.getRequestHeaders().getFirst("Host"))) {
            problem(exchange, 421, "Misdirected Request", "the Host header must name this listener");
            return;
        }
        if (fromAnotherSite(exchange)) {
            problem(exchange, 403, "Forbidden", "requests from another site's pages are refused");
            return;
        }
        boolean changes = !method.equals("GET");
        if (changes && !sameOriginJson(exchange)) {
            problem(exchange, 415, "Unsupported Media Type",
                    "send Content-Type: application/json from this page's origin");
            return;
        }
        String asset = ASSETS.get(path);
        Matcher one = ONE.matcher(path);
        Matcher replay = REPLAY.matcher(path);
        if (asset != null) {
            allow(exchange, method, "GET", () -> asset(exchange, asset));
        } else if (path.equals("/api/requests")) {
            if (method.equals("DELETE")) {
                inspectLog.clear();
                exchange.sendResponseHeaders(204, -1);
            } else {
                allow(exchange, method, "GET, DELETE", () -> list(exchange));
            }
        } else if (one.matches()) {
            allow(exchange, method, "GET", () -> one(exchange, Long.parseLong(one.group(1))));
        } else if (replay.matches()) {
            allow(exchange, method, "POST", () -> replay(exchange, Long.parseLong(replay.group(1))));
        } else if (path.equals("/api/events")) {
            allow(exchange, method, "GET", () -> events(exchange));
        } else {
            problem(exchange, 404, "Not Found", "no such page or API path: " + path);
        }
    }

    private interface Action {
        void run() throws IOException;
    }

    private void allow(HttpExchange exchange, String method, String allowed, Action action) throws IOException {
        if (List.of(allowed.split(", ")).contains(method)) {
            action.run();
        } else {
            exchange.getResponseHeaders().set("Allow", allowed);
            problem(exchange, 405, "Method Not Allowed", "use " + allowed);
        }
    }

    /**
     * Whether {@code Host} names this listener: its port, with {@code localhost}, an IP address literal, or the
     * configured address. A DNS name that merely resolves here (DNS rebinding) is refused.
     */
    private boolean hostIsThisListener(String host) {
        if (host == null) {
            return false;
        }
        int colon = host.lastIndexOf(':');
        if (colon < 0 || !host.substring(colon + 1).equals(Integer.toString(address().getPort()))) {
            return false;
        }
        String name = host.substring(0, colon).toLowerCase(Locale.ROOT);
        return name.equals("localhost") || name.equals(configuredAddress.toLowerCase(Locale.ROOT))
                || IPV4.matcher(name).matches() || name.startsWith("[") && name.endsWith("]");
    }

    /**
     * A browser names the site a request comes from ({@code Sec-Fetch-Site}); a page elsewhere could otherwise open
     * the live streams (an image tag is enough) and hold every slot. Scripts and curl send no such header.
     */
    private static boolean fromAnotherSite(HttpExchange exchange) {
        String site = exchange.getRequestHeaders().getFirst("Sec-Fetch-Site");
        return site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none");
    }

    private boolean sameOriginJson(HttpExchange exchange) {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        boolean json = type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json");
        return json && (origin == null
                || origin.equalsIgnoreCase("http://" + exchange.getRequestHeaders().getFirst("Host")));
    }

    private void asset(HttpExchange exchange, String name) throws IOException {
        byte[] bytes;
        try (InputStream in = InspectServer.class.getResourceAsStream("web/" + name)) {
            if (in == null) {
                problem(exchange, 404, "Not Found", "the page is missing from this build: " + name);
                return;
            }
            bytes = in.readAllBytes();
        }
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        reply(exchange, 200, type, bytes);
    }

    private void list(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        ExchangeFilter filter;
        int limit;
        try {
            filter = new ExchangeFilter(query.get("tunnel"), query.get("status"), query.get("method"),
                    query.get("q"));
            limit = query.containsKey("limit") ? Integer.parseInt(query.get("limit")) : DEFAULT_LIMIT;
            if (limit < 1 || limit > InspectConfig.MAX_REQUESTS_LIMIT) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            problem(exchange, 400, "Bad Request", "limit: expected a number between 1 and "
                    + InspectConfig.MAX_REQUESTS_LIMIT);
            return;
        } catch (IllegalArgumentException e) {
            problem(exchange, 400, "Bad Request", e.getMessage());
            return;
        }
        ObjectNode body = InspectJson.MAPPER.createObjectNode();
        body.put("maxRequests", inspectLog.maxRequests());
        body.put("maxBodyBytes", inspectLog.maxBodyBytes());
        ArrayNode items = body.putArray("requests");
        inspectLog.list(filter, limit).forEach(e -> items.add(InspectJson.summary(e)));
        json(exchange, 200, body);
    }

    private void one(HttpExchange exchange, long id) throws IOException {
        Optional<Exchange> found = inspectLog.get(id);
        if (found.isEmpty()) {
            problem(exchange, 404, "Not Found", "no request " + id + " (never recorded, or no longer kept)");
            return;
        }
        json(exchange, 200, InspectJson.detail(found.get()));
    }

    private void replay(HttpExchange exchange, long id) throws IOException {
        Optional<Exchange> found = inspectLog.get(id);
        if (found.isEmpty()) {
            problem(exchange, 404, "Not Found", "no request " + id + " (never recorded, or no longer kept)");
            return;
        }
        ReplayEdit edit;
        try {
            edit = readEdit(exchange);
        } catch (IllegalArgumentException e) {
            problem(exchange, 400, "Bad Request", e.getMessage());
            return;
        }
        try {
            json(exchange, 201, InspectJson.detail(replayer.replay(found.get(), edit)));
        } catch (Replayer.ReplayException e) {
            problem(exchange, e.status, e.status == 400 ? "Bad Request" : e.status == 409 ? "Conflict"
                    : e.status == 429 ? "Too Many Requests" : "Replay Failed", e.getMessage());
        }
    }

    /** {@code {method, path, headers: [[name, value], ...], body | bodyBase64}}, every part optional. */
    private static ReplayEdit readEdit(HttpExchange exchange) throws IOException {
        byte[] raw = exchange.getRequestBody().readNBytes(MAX_EDIT_BYTES + 1);
        if (raw.length > MAX_EDIT_BYTES) {
            throw new IllegalArgumentException("the edit is larger than " + MAX_EDIT_BYTES + " bytes");
        }
        if (raw.length == 0) {
            return ReplayEdit.NONE;
        }
        JsonNode edit;
        try {
            edit = InspectJson.MAPPER.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("expected a JSON object: " + e.getOriginalMessage());
        }
        if (edit == null || !edit.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        List<HttpHead.Header> headers = null;
        JsonNode h = edit.get("headers");
        if (h != null && !h.isNull()) {
            if (!h.isArray()) {
                throw new IllegalArgumentException("headers: expected a list of [name, value] pairs");
            }
            headers = new ArrayList<>();
            for (JsonNode pair : h) {
                if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isTextual()) {
                    throw new IllegalArgumentException("headers: expected a list of [name, value] pairs");
                }
                headers.add(new HttpHead.Header(pair.get(0).textValue(), pair.get(1).textValue()));
            }
        }
        byte[] body = null;
        if (edit.hasNonNull("body") && edit.hasNonNull("bodyBase64")) {
            throw new IllegalArgumentException("body, bodyBase64: expected one of them, not both");
        }
        if (edit.hasNonNull("body")) {
            body = text(edit, "body").getBytes(StandardCharsets.UTF_8);
        } else if (edit.hasNonNull("bodyBase64")) {
            try {
                body = Base64.getDecoder().decode(text(edit, "bodyBase64"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bodyBase64: expected base64");
            }
        }
        return new ReplayEdit(text(edit, "method"), text(edit, "path"), headers, body);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(field + ": expected a string");
        }
        return value.textValue();
    }

    /**
     * Server-sent events: {@code event: request} with an exchange's summary each time one is added or changes, a
     * comment every 15 s to find a closed page, and {@code event: reset} (then the end) when the page fell behind.
     */
    private void events(HttpExchange exchange) throws IOException {
        if (eventStreams.incrementAndGet() > MAX_EVENT_STREAMS) {
            eventStreams.decrementAndGet();
            exchange.getResponseHeaders().set("Retry-After", "5");
            problem(exchange, 429, "Too Many Requests", "at most " + MAX_EVENT_STREAMS + " live pages at once");
            return;
        }
        EventQueue queue = new EventQueue(inspectLog);
        inspectLog.addListener(queue);
        try {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write("retry: 1000\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            queue.drainTo(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inspectLog.removeListener(queue);
            eventStreams.decrementAndGet();
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(name, value);
        }
        return params;
    }

    private static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        reply(exchange, status, "application/json", InspectJson.MAPPER.writeValueAsBytes(body));
    }

    static void problem(HttpExchange exchange, int status, String title, String detail) throws IOException {
        ObjectNode body = InspectJson.MAPPER.createObjectNode();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        reply(exchange, status, "application/problem+json", InspectJson.MAPPER.writeValueAsBytes(body));
    }

    private static void reply(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
