package dev.portway.admin.console;

import dev.portway.admin.http.AdminRequest;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.problem.ApiException;
import dev.portway.admin.problem.Problems;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The operator's web console: static files under {@code /console/}, and {@code /} redirecting there. The pages use
 * only the public REST API (signing in through {@code POST /api/v1/session}), so what the console does a script can
 * do too. Files are classpath resources read once at start; every answer carries a strict Content-Security-Policy
 * (scripts, styles and connections from this origin only, no inline code, no framing).
 *
 * <p>Caching: {@code Cache-Control: no-cache} with an ETag, so a browser revalidates each file and gets a 304 while
 * it is unchanged (the file names carry no version, so nothing may be cached blind). Compression: a gzip copy made at
 * start, sent when the request accepts gzip.
 *
 * <p>Threading: immutable after construction; {@link #handle} is cheap and never blocks.
 */
public final class Console {
    public static final String ROOT = "/console/";
    static final String RESOURCES = "/dev/portway/admin/console/web/";
    /** Every file the console is made of; a test checks that this list and the resource directory agree. */
    static final List<String> FILES = List.of("index.html", "console.css", "app.js", "api.js", "dom.js",
            "overview.js", "users.js", "tunnels.js", "sessions.js", "certificates.js", "audit.js", "chart.js",
            "table.js", "favicon.svg");
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options", "nosniff",
            "X-Frame-Options", "DENY",
            "Referrer-Policy", "no-referrer",
            "Cross-Origin-Opener-Policy", "same-origin");
    private static final Set<String> METHODS = Set.of("GET");

    private final Map<String, ConsoleAsset> assets = new LinkedHashMap<>();

    public Console() {
        for (String name : FILES) {
            assets.put(name, ConsoleAsset.load(RESOURCES, name));
        }
    }

    /** The listener's paths the console answers: {@code /}, {@code /console} and everything under {@code /console/}. */
    public static boolean owns(String path) {
        return path.equals("/") || path.equals("/console") || path.startsWith(ROOT);
    }

    public CompletableFuture<AdminResponse> handle(AdminRequest request) {
        return CompletableFuture.completedFuture(answer(request));
    }

    private AdminResponse answer(AdminRequest request) {
        if (!METHODS.contains(request.method())) {
            return withSecurityHeaders(Problems.response(ApiException.methodNotAllowed(request.method(), METHODS)));
        }
        String path = request.path();
        if (!path.startsWith(ROOT)) {
            return withSecurityHeaders(new AdminResponse(302, Map.of("Location", ROOT), new byte[0]));
        }
        String name = path.equals(ROOT) ? "index.html" : path.substring(ROOT.length());
        ConsoleAsset asset = assets.get(name);
        if (asset == null) {
            return withSecurityHeaders(Problems.response(ApiException.noRoute(path)));
        }
        Map<String, String> headers = new HashMap<>(SECURITY_HEADERS);
        headers.put("ETag", asset.etag());
        headers.put("Cache-Control", "no-cache");
        headers.put("Vary", "Accept-Encoding");
        if (request.headerValues("if-none-match").stream().anyMatch(v -> matches(v, asset.etag()))) {
            return new AdminResponse(304, headers, new byte[0]);
        }
        headers.put("Content-Type", asset.contentType());
        if (asset.gzipped() != null && acceptsGzip(request)) {
            headers.put("Content-Encoding", "gzip");
            return new AdminResponse(200, headers, asset.gzipped());
        }
        return new AdminResponse(200, headers, asset.body());
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    private static boolean acceptsGzip(AdminRequest request) {
        for (String header : request.headerValues("accept-encoding")) {
            for (String coding : header.split(",")) {
                String[] parts = coding.trim().toLowerCase(Locale.ROOT).split(";");
                if (parts[0].trim().equals("gzip") && !parts[parts.length - 1].replace(" ", "").equals("q=0")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static AdminResponse withSecurityHeaders(AdminResponse response) {
        Map<String, String> headers = new HashMap<>(response.headers());
        headers.putAll(SECURITY_HEADERS);
        return new AdminResponse(response.status(), headers, response.body());
    }
}
