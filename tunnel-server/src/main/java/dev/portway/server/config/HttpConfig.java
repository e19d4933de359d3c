package dev.portway.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The public web listeners that serve http tunnels by host name, and the limits every public HTTP connection runs
 * under.
 *
 * @param domain               tunnels' subdomains are served under it ({@code app} → {@code app.<domain>}); null:
 *                             only custom domains are served
 * @param httpPort             plain HTTP; 0 disables it
 * @param httpsPort            HTTPS routed by SNI; 0 disables it. When server.yaml does not set it, see
 *                             {@link #httpsPortWhenUnset}
 * @param maxHeaderSize        largest request header block accepted; larger ones are answered 431
 * @param requestHeaderTimeout from a request's first byte until its headers are complete; then 408 and close
 * @param idleTimeout          a keep-alive connection with no request in progress is closed after this
 * @param responseTimeout      from the end of a request until the local service's response begins; then 504
 * @param bodyIdleTimeout      longest wait for the next byte of a request body while the server is reading it; then
 *                             408 (or a close, once the answer began) and the stream to the local service is reset
 * @param errorPages           HTML files served instead of the built-in pages, by status code (404, 502, ...)
 * @param certificates         what the https listener terminates TLS with, by host name; none: only passthrough
 *                             tunnels are served on HTTPS
 * @param clientConnect        whether and where the https listener takes client connections as WebSockets
 * @param acme                 certificates ordered from an ACME CA; null: none
 * @param http2                HTTP/2 on the web ports and its limits
 */
public record HttpConfig(String domain, int httpPort, int httpsPort, int maxHeaderSize,
                         Duration requestHeaderTimeout, Duration idleTimeout, Duration responseTimeout,
                         Duration bodyIdleTimeout, Map<Integer, Path> errorPages, List<HttpsCertificateConfig> certificates,
                         ClientConnectConfig clientConnect, AcmeConfig acme, Http2Config http2) {
    public static final int DEFAULT_HTTP_PORT = 80;
    /** The port HTTPS takes when server.yaml does not name one but the server has certificates to serve. */
    public static final int DEFAULT_HTTPS_PORT = 443;
    public static final int DEFAULT_MAX_HEADER_SIZE = 32 * 1024;
    public static final Duration DEFAULT_REQUEST_HEADER_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_BODY_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** No certificates, so no HTTPS: see {@link #httpsPortWhenUnset}. */
    public static final HttpConfig DEFAULTS = new HttpConfig(null, DEFAULT_HTTP_PORT, 0);
    /** No web listeners at all: for servers (and tests) that carry TCP and UDP only. */
    public static final HttpConfig DISABLED = new HttpConfig(null, 0, 0);

    public HttpConfig {
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("http.port out of range: " + httpPort);
        }
        if (httpsPort < 0 || httpsPort > 65535) {
            throw new IllegalArgumentException("https.port out of range: " + httpsPort);
        }
        if (maxHeaderSize < 1024) {
            throw new IllegalArgumentException("http.maxHeaderSize below 1024: " + maxHeaderSize);
        }
        Objects.requireNonNull(requestHeaderTimeout, "requestHeaderTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(bodyIdleTimeout, "bodyIdleTimeout");
        errorPages = errorPages == null ? Map.of() : Map.copyOf(errorPages);
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
        clientConnect = clientConnect == null ? ClientConnectConfig.DEFAULTS : clientConnect;
        http2 = http2 == null ? Http2Config.DEFAULTS : http2;
    }

    /**
     * The https port of a server.yaml without {@code https.port}. Without a certificate the listener could only serve
     * passthrough tunnels, which an operator asks for by setting the port; binding 443 anyway made every quick start
     * without root fail on a listener nobody wanted.
     *
     * @param hasCertificates whether the server can terminate TLS for some name ({@code https.certificates} or
     *                        {@code https.acme})
     */
    public static int httpsPortWhenUnset(boolean hasCertificates) {
        return hasCertificates ? DEFAULT_HTTPS_PORT : 0;
    }

    /** The listeners with every limit at its default. */
    public HttpConfig(String domain, int httpPort, int httpsPort) {
        this(domain, httpPort, httpsPort, DEFAULT_MAX_HEADER_SIZE, DEFAULT_REQUEST_HEADER_TIMEOUT,
                DEFAULT_IDLE_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT, DEFAULT_BODY_IDLE_TIMEOUT, Map.of(), List.of(), null, null, null);
    }

    public HttpConfig withLimits(int newMaxHeaderSize, Duration newRequestHeaderTimeout, Duration newIdleTimeout,
                                 Duration newResponseTimeout) {
        return new HttpConfig(domain, httpPort, httpsPort, newMaxHeaderSize, newRequestHeaderTimeout, newIdleTimeout,
                newResponseTimeout, bodyIdleTimeout, errorPages, certificates, clientConnect, acme, http2);
    }

    public HttpConfig withBodyIdleTimeout(Duration newBodyIdleTimeout) {
        return new HttpConfig(domain, httpPort, httpsPort, maxHeaderSize, requestHeaderTimeout, idleTimeout,
                responseTimeout, newBodyIdleTimeout, errorPages, certificates, clientConnect, acme, http2);
    }

    public HttpConfig withHttps(int newHttpsPort, List<HttpsCertificateConfig> newCertificates) {
        return withHttps(newHttpsPort, newCertificates, clientConnect);
    }

    public HttpConfig withHttps(int newHttpsPort, List<HttpsCertificateConfig> newCertificates,
                                ClientConnectConfig newClientConnect) {
        return new HttpConfig(domain, httpPort, newHttpsPort, maxHeaderSize, requestHeaderTimeout, idleTimeout,
                responseTimeout, bodyIdleTimeout, errorPages, newCertificates, newClientConnect, acme, http2);
    }

    public HttpConfig withAcme(AcmeConfig newAcme) {
        return new HttpConfig(domain, httpPort, httpsPort, maxHeaderSize, requestHeaderTimeout, idleTimeout,
                responseTimeout, bodyIdleTimeout, errorPages, certificates, clientConnect, newAcme, http2);
    }

    public HttpConfig withHttp2(Http2Config newHttp2) {
        return new HttpConfig(domain, httpPort, httpsPort, maxHeaderSize, requestHeaderTimeout, idleTimeout,
                responseTimeout, bodyIdleTimeout, errorPages, certificates, clientConnect, acme, newHttp2);
    }
}
