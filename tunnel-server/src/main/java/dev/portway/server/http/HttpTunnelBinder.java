package dev.portway.server.http;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.monitor.TunnelTraffic;
import dev.portway.protocol.control.HeaderRuleCheck;
import dev.portway.protocol.control.HostPatterns;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.server.access.PeerFilter;
import dev.portway.server.auth.Principal;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.limits.ConnectionCap;
import dev.portway.server.plans.UserAccounts;
import dev.portway.storage.traffic.TrafficCounter;
import dev.portway.server.tcp.StreamBridge;
import dev.portway.server.tcp.TunnelCounters;
import dev.portway.server.tunnel.ForwardingBinder;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.server.tunnel.RouteRefresh;
import dev.portway.server.tunnel.TunnelBinder;
import dev.portway.server.tunnel.TunnelConnections;
import dev.portway.server.tunnel.TunnelRefusedException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Opens http tunnels: checks their host names and locations, and claims their routes in the shared router, for the
 * tunnel alone or, when it names a load-balancing group, through {@link HttpGroups}. Nothing is bound per tunnel;
 * the public web listeners serve every http tunnel.
 */
public final class HttpTunnelBinder implements TunnelBinder, ForwardingBinder {
    public static final String HTTPS_TERMINATE = "terminate";
    public static final String HTTPS_PASSTHROUGH = "passthrough";
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final int MAX_HOST_LENGTH = 253;
    /** How long a disconnected client's routes wait for it (answering 502) before another tunnel may take them. */
    static final Duration OFFLINE_GRACE = Duration.ofSeconds(60);

    private final HttpConfig config;
    private final HttpVhostRouter router;
    private final TunnelMetrics metrics;
    private final StreamBridge bridge;
    private final HttpGroups groups;
    private final ServedLoopGroup webLoops;
    private final TrafficCounter history;
    private final UserAccounts accounts;
    private final Predicate<String> httpsHosts;
    private final Consumer<String> uncoveredCustomDomains;

    /**
     * @param bridge   carries the raw connections of {@code https: passthrough} tunnels to streams
     * @param webLoops the web listeners' loops, told where each new tunnel's carrier runs
     * @param history  storage's traffic counter; null without a database
     * @param accounts the users' plans: connection caps and bandwidth
     * @param httpsHosts whether the https listener terminates TLS for a host (a certificate covers it)
     * @param uncoveredCustomDomains told of each exact custom domain outside the server's domain that an opened
     *                               tunnel terminates TLS for and no certificate covers (a certificate on demand)
     */
    public HttpTunnelBinder(HttpConfig config, HttpVhostRouter router, TunnelMetrics metrics, StreamBridge bridge,
                            ServedLoopGroup webLoops, TrafficCounter history, UserAccounts accounts,
                            Predicate<String> httpsHosts, Consumer<String> uncoveredCustomDomains) {
        this.config = config;
        this.uncoveredCustomDomains = uncoveredCustomDomains;
        this.httpsHosts = httpsHosts;
        this.history = history;
        this.accounts = accounts;
        this.router = router;
        this.metrics = metrics;
        this.bridge = bridge;
        this.webLoops = webLoops;
        this.groups = new HttpGroups(router);
    }

    @Override
    public CompletionStage<PublicTunnel> open(TunnelSpec spec, TunnelSession owner, Principal principal) {
        return open(spec, owner, principal, null, null);
    }

    @Override
    public CompletionStage<PublicTunnel> forward(TunnelSpec spec, TunnelSession link, Principal principal,
                                                 String holder, RouteRefresh refresh) {
        return open(spec, link, principal, holder, refresh);
    }

    private CompletionStage<PublicTunnel> open(TunnelSpec spec, TunnelSession owner, Principal principal,
                                               String holder, RouteRefresh refresh) {
        try {
            HttpOptions options = spec.http() == null ? new HttpOptions(null, null, null, null, null, null, null, null)
                    : spec.http();
            checkHeaderRules(options);
            List<HttpRoute> routes = routes(options);
            boolean passthrough = passthrough(options);
            TunnelTraffic traffic = metrics.traffic(spec.name(), principal.user());
            PeerFilter filter = bridge.filters().forTunnel(spec.ipRulesOrNone());
            TunnelCounters counters = new TunnelCounters(traffic, history, principal, accounts.account(principal));
            ConnectionCap cap = counters.account().tunnelCap(spec.maxConnections());
            Function<HttpGroup, HttpTunnel> tunnelIn = group -> new HttpTunnel(spec.name(), principal, options,
                    routes, router, urls(routes.get(0), passthrough), counters, owner, passthrough
                    ? new TunnelConnections(spec.name(), TunnelType.HTTP, owner, counters, bridge, filter, cap, holder)
                    : null, filter, cap, OFFLINE_GRACE, group, holder, refresh);
            for (HttpRoute route : routes) {
                if (router.holder(route) instanceof HttpTunnel held && held.reclaimableBy(principal.user(), spec.name())) {
                    held.release();
                }
            }
            PublicTunnel opened;
            if (spec.group() != null) {
                opened = groups.join(spec, principal, routes, options, tunnelIn);
            } else {
                HttpTunnel tunnel = tunnelIn.apply(null);
                String refusal = router.add(routes, tunnel, principal.user());
                if (refusal != null) {
                    throw new TunnelRefusedException(refusal);
                }
                opened = tunnel;
            }
            webLoops.served(owner.channel().eventLoop());
            if (!passthrough && config.httpsPort() != 0) {
                announceUncovered(options);
            }
            return CompletableFuture.completedFuture(opened);
        } catch (TunnelRefusedException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Names under the server's domain are the operator's to cover (a wildcard); wildcards need dns-01, which only
     * the operator's hook answers.
     */
    private void announceUncovered(HttpOptions options) {
        String domain = config.domain() == null ? null : config.domain().toLowerCase(java.util.Locale.ROOT);
        for (String custom : options.customDomains()) {
            String host = custom.toLowerCase(java.util.Locale.ROOT);
            if (!HostPatterns.isWildcard(host) && (domain == null || !(host.equals(domain)
                    || host.endsWith("." + domain))) && !httpsHosts.test(host)) {
                uncoveredCustomDomains.accept(host);
            }
        }
    }

    /**
     * Whether the tunnel's local service terminates TLS itself. Passthrough routes whole TLS connections by SNI before
     * any path is known, so it cannot be combined with locations.
     */
    private boolean passthrough(HttpOptions options) throws TunnelRefusedException {
        String https = options.https();
        if (https == null || https.equals(HTTPS_TERMINATE)) {
            return false;
        }
        if (!https.equals(HTTPS_PASSTHROUGH)) {
            throw new TunnelRefusedException("https must be " + HTTPS_TERMINATE + " or " + HTTPS_PASSTHROUGH
                    + ", got \"" + https + "\"");
        }
        if (config.httpsPort() == 0) {
            throw new TunnelRefusedException("https: passthrough needs the server's https port, which is off "
                    + "(the operator sets https.port in server.yaml to turn it on)");
        }
        if (!options.locations().isEmpty()) {
            throw new TunnelRefusedException("https: passthrough routes by host name only; remove locations");
        }
        return true;
    }

    /**
     * Refuses header rules that would break a head or a message's framing: heads are written byte for byte and
     * bodies framed before the rules run, and a client can be modified to send anything.
     */
    static void checkHeaderRules(HttpOptions options) throws TunnelRefusedException {
        if (options.hostHeaderRewrite() != null) {
            String problem = HeaderRuleCheck.valueProblem(options.hostHeaderRewrite());
            if (problem != null) {
                throw new TunnelRefusedException("hostHeaderRewrite: " + problem);
            }
        }
        refuseFirst("requestHeaders", HeaderRuleCheck.problems(options.requestHeaders(),
                HeaderRuleCheck.Direction.REQUEST));
        refuseFirst("responseHeaders", HeaderRuleCheck.problems(options.responseHeaders(),
                HeaderRuleCheck.Direction.RESPONSE));
    }

    private static void refuseFirst(String key, List<HeaderRuleCheck.Problem> problems)
            throws TunnelRefusedException {
        if (!problems.isEmpty()) {
            throw new TunnelRefusedException(key + "." + problems.get(0));
        }
    }

    /** Every host times every location; hosts and locations are checked here, the one place that knows the rules. */
    List<HttpRoute> routes(HttpOptions options) throws TunnelRefusedException {
        List<String> hosts = hosts(config.domain(), options);
        List<String> locations = options.locations().isEmpty() ? List.of("/") : options.locations();
        List<HttpRoute> routes = new ArrayList<>();
        for (String host : hosts) {
            for (String location : locations) {
                if (location == null || !location.startsWith("/") || location.chars().anyMatch(c -> c <= ' ')) {
                    throw new TunnelRefusedException("locations must be paths starting with /, got \""
                            + location + "\"");
                }
                routes.add(new HttpRoute(host, location));
            }
        }
        return routes;
    }

    /**
     * The host names an http tunnel asks for: its subdomain under {@code domain}, then its custom domains, each
     * checked.
     *
     * @param domain the server's own domain; null when it gives out no subdomains
     */
    public static List<String> hosts(String domain, HttpOptions options) throws TunnelRefusedException {
        List<String> hosts = new ArrayList<>();
        if (options.subdomain() != null) {
            if (domain == null) {
                throw new TunnelRefusedException("subdomain needs a server domain, and this server has none; "
                        + "use customDomains");
            }
            String label = options.subdomain().toLowerCase(java.util.Locale.ROOT);
            if (!LABEL.matcher(label).matches()) {
                throw new TunnelRefusedException("subdomain must be one DNS label (a-z, 0-9, -), got \""
                        + options.subdomain() + "\"");
            }
            hosts.add(label + "." + domain);
        }
        for (String custom : options.customDomains()) {
            String host = checkedDomain(custom);
            if (domain != null && host.equals("*." + domain.toLowerCase(java.util.Locale.ROOT))) {
                // It would serve every subdomain no tunnel holds, and those another user's offline tunnel held.
                throw new TunnelRefusedException("customDomains may not hold " + host
                        + ": the server's own domain gives out its subdomains one by one (subdomain)");
            }
            hosts.add(host);
        }
        if (hosts.isEmpty()) {
            throw new TunnelRefusedException("an http tunnel needs a subdomain or customDomains");
        }
        return hosts;
    }

    private static String checkedDomain(String domain) throws TunnelRefusedException {
        String host = domain == null ? "" : domain.toLowerCase(java.util.Locale.ROOT);
        String rest = host.startsWith("*.") ? host.substring(2) : host;
        boolean valid = !rest.isEmpty() && host.length() <= MAX_HOST_LENGTH && rest.contains(".");
        for (String label : rest.split("\\.", -1)) {
            valid &= LABEL.matcher(label).matches();
        }
        if (!valid) {
            throw new TunnelRefusedException("customDomains entries must be host names like www.example.org or "
                    + "*.example.org, got \"" + domain + "\"");
        }
        return host;
    }

    /**
     * An https URL for a passthrough tunnel, and for any tunnel when plain HTTP is disabled; otherwise the http URL,
     * followed by the https one when the https listener holds a certificate for the host, so that the user sees that
     * both work.
     */
    private List<String> urls(HttpRoute first, boolean passthrough) {
        if (passthrough || config.httpPort() == 0) {
            return List.of(url(first, true));
        }
        if (config.httpsPort() != 0 && httpsHosts.test(first.host())) {
            return List.of(url(first, false), url(first, true));
        }
        return List.of(url(first, false));
    }

    private String url(HttpRoute first, boolean https) {
        int port = https ? config.httpsPort() : config.httpPort();
        int defaultPort = https ? 443 : 80;
        String suffix = port == defaultPort || port == 0 ? "" : ":" + port;
        String path = first.location().equals("/") ? "" : first.location();
        return (https ? "https://" : "http://") + first.host() + suffix + path;
    }
}
