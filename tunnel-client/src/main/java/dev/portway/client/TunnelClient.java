package dev.portway.client;

import dev.portway.client.config.Backoff;
import dev.portway.client.config.ClientConfig;
import dev.portway.client.config.ServerAddress;
import dev.portway.client.config.TunnelConfig;
import dev.portway.client.connect.ServerDialer;
import dev.portway.client.health.HealthChecks;
import dev.portway.client.health.HealthProbe;
import dev.portway.client.inspect.InspectLog;
import dev.portway.client.http2.LocalHttp2Connections;
import dev.portway.client.proxy.LocalDialer;
import dev.portway.client.tls.ClientTls;
import dev.portway.client.tls.ClientTlsContexts;
import dev.portway.client.udp.LocalUdpFlows;
import dev.portway.monitor.TunnelMetrics;
import dev.portway.monitor.TunnelTraffic;
import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.ProductVersion;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.Auth;
import dev.portway.protocol.control.AuthResult;
import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.control.FlowClose;
import dev.portway.protocol.control.FlowOpen;
import dev.portway.protocol.control.GoAway;
import dev.portway.protocol.control.Hello;
import dev.portway.protocol.control.Move;
import dev.portway.protocol.control.TunnelPush;
import dev.portway.protocol.control.TunnelRegister;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.control.TunnelUnregister;
import dev.portway.protocol.mux.Role;
import dev.portway.protocol.mux.SessionListener;
import dev.portway.protocol.mux.SessionSettings;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import dev.portway.protocol.relay.Bandwidth;
import dev.portway.protocol.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client's connector: keeps one TLS connection to the server, authenticates, registers the configured tunnels
 * and dials a tunnel's local target for every stream the server opens. When the connection drops it reconnects
 * with exponential backoff and full jitter, and registers again; a successful registration resets the backoff.
 * Tunnels with a {@code healthCheck} are unregistered while their local target fails its checks.
 * {@link #reconfigure} takes a changed client.yaml on the running session.
 *
 * <p>Threading: connection state changes on the current session's event loop; {@link #stop} may be called from
 * any thread, and {@link #reconfigure} from any thread, one call at a time.
 */
public final class TunnelClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TunnelClient.class);

    /** How the server is reached, and the client.yaml it came from; swapped whole by {@link #reconfigure}. */
    private volatile Link link;
    private final String clientId;
    private final ClientEvents events;
    private final Transport transport = Transport.detect();
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final LocalDialer dialer;
    private final Map<String, TunnelConfig> tunnels = new LinkedHashMap<>();
    private final TunnelMetrics metrics;
    /** Per tunnel; the client has no user of its own, so the user label is empty. */
    private final Map<String, TunnelTraffic> traffic = new LinkedHashMap<>();
    /** The limits of the tunnels that have one, shared by all their connections. Guarded by {@code tunnels}. */
    private final Map<String, Bandwidth> bandwidth = new HashMap<>();
    private final CompletableFuture<Termination> terminated = new CompletableFuture<>();
    /** Tunnels whose health check failed: not registered until a check passes again. Guarded by {@code tunnels}. */
    private final Set<String> unhealthy = new HashSet<>();
    private final HealthChecks healthChecks;
    /** The request inspector's record of http tunnels; null when client.yaml has no {@code inspect}. */
    private final InspectLog inspect;
    private volatile TunnelSession current;
    /**
     * The session that has authenticated, to which tunnels may be registered; guarded by {@code tunnels}, so that
     * a registration and a health change are sent in the order they were decided.
     */
    private TunnelSession registering;
    private volatile boolean stopping;
    private int attempt;
    /** The address of {@code config.servers()} the next attempt dials. */
    private int serverIndex;

    public TunnelClient(ClientConfig config, String clientId, ClientTls tls, ClientEvents events) {
        this(config, clientId, tls, events, TunnelMetrics.NOOP, null);
    }

    /**
     * @param sharedGroup an event loop group to run on instead of one of the client's own, so that many clients fit
     *                    in one process (the load harness runs a thousand); it must be of {@link Transport#detect()}'s
     *                    kind, and {@link #stop} leaves it running for its owner to shut down. Null: a group of its own.
     */
    public TunnelClient(ClientConfig config, String clientId, ClientTls tls, ClientEvents events,
                        TunnelMetrics metrics, EventLoopGroup sharedGroup) {
        this.metrics = metrics;
        this.clientId = clientId;
        this.events = events;
        this.ownsGroup = sharedGroup == null;
        this.group = ownsGroup ? transport.newGroup(0, "portway-client") : sharedGroup;
        this.link = Link.of(config, tls, transport);
        this.dialer = new LocalDialer(transport, config.dialTimeout());
        this.inspect = config.inspect() == null ? null
                : new InspectLog(config.inspect().maxRequests(), config.inspect().maxBodyBytes());
        config.tunnels().forEach(this::putLocked);
        this.healthChecks = new HealthChecks(config.tunnels(), new HealthProbe(transport), group, new HealthListener());
    }

    /**
     * How the server is reached: the config it was read from, and what is built from it once per change.
     *
     * @param settings keep-alive and frame limits of every session
     */
    private record Link(ClientConfig config, ServerDialer serverDialer, SessionSettings settings, Backoff backoff) {
        static Link of(ClientConfig config, ClientTls tls, Transport transport) {
            SessionSettings settings = SessionSettings.defaults(ProductVersion.current())
                    .withKeepAlive(config.keepAliveInterval(), config.keepAliveMissed());
            return new Link(config, new ServerDialer(tls, transport, config.proxy(), config.dialTimeout(),
                    settings.maxFramePayload()), settings, new Backoff(config.reconnect(), new SecureRandom()));
        }

        /** The same connection with another config whose connection settings are these. */
        Link with(ClientConfig next) {
            return new Link(next, serverDialer, settings, backoff);
        }

        /** Whether {@code next} reaches the server the way this link does, so the session can stay. */
        boolean reaches(ClientConfig next) {
            return config.servers().equals(next.servers()) && Objects.equals(config.proxy(), next.proxy())
                    && config.token().equals(next.token()) && config.tls().equals(next.tls())
                    && config.dialTimeout().equals(next.dialTimeout()) && config.reconnect().equals(next.reconnect())
                    && config.keepAliveInterval().equals(next.keepAliveInterval())
                    && config.keepAliveMissed() == next.keepAliveMissed();
        }
    }

    private ClientConfig config() {
        return link.config();
    }

    /** Adds a tunnel of client.yaml with its counters and limit; in the constructor, or holding {@code tunnels}. */
    private void putLocked(TunnelConfig tunnel) {
        tunnels.put(tunnel.name(), tunnel);
        traffic.computeIfAbsent(tunnel.name(), name -> metrics.traffic(name, ""));
        if (tunnel.bandwidthLimit() > 0) {
            bandwidth.put(tunnel.name(), Bandwidth.perSecond(tunnel.bandwidthLimit()));
        } else {
            bandwidth.remove(tunnel.name());
        }
    }

    /**
     * Takes a changed client.yaml while running (the caller loaded and checked it, and built {@code tls} from it).
     * Tunnels added are registered and removed ones unregistered, on the current session: the server stops opening
     * streams for a removed tunnel, and those already open run to their end. A changed tunnel is unregistered and
     * registered again. A change in how the server is reached (addresses, proxy, token, tls, timeouts, keep-alive,
     * reconnect) ends the session and reconnects with the new settings, with every tunnel of {@code next}.
     * {@code clientId} and {@code metrics} stay as they were started.
     */
    public void reconfigure(ClientConfig next, ClientTls tls) {
        Link previous = link;
        boolean reconnect = !previous.reaches(next);
        Map<String, TunnelConfig> before = byName(previous.config().tunnels());
        Map<String, TunnelConfig> after = byName(next.tunnels());
        List<String> removed = before.keySet().stream().filter(name -> !after.containsKey(name)).toList();
        List<TunnelConfig> fresh = after.values().stream()
                .filter(tunnel -> !tunnel.equals(before.get(tunnel.name()))).toList();
        synchronized (tunnels) {
            link = reconnect ? Link.of(next, tls, transport) : previous.with(next);
            // A fresh tunnel may replace one of the same name: changed in client.yaml, or pushed by the server.
            List<String> unregister = new ArrayList<>(removed);
            fresh.stream().map(TunnelConfig::name).filter(tunnels::containsKey).forEach(unregister::add);
            for (String name : unregister) {
                tunnels.remove(name);
                bandwidth.remove(name);
                unhealthy.remove(name);
                healthChecks.remove(name);
            }
            fresh.forEach(this::putLocked);
            if (!reconnect && registering != null) {
                if (!unregister.isEmpty()) {
                    registering.send(new TunnelUnregister(unregister));
                }
                if (!fresh.isEmpty()) {
                    registering.send(new TunnelRegister(fresh.stream().map(TunnelConfig::spec).toList()));
                }
            }
        }
        fresh.forEach(healthChecks::add);
        removed.forEach(name -> log.info("reload changed field=tunnels[{}] change=removed", name));
        fresh.forEach(tunnel -> log.info("reload changed field=tunnels[{}] change={}", tunnel.name(),
                before.containsKey(tunnel.name()) ? "replaced" : "added"));
        if (reconnect) {
            log.info("reload changed field=server change=reconnecting servers={} proxy={}", next.servers(),
                    next.proxy());
            TunnelSession session = current;
            if (session != null) {
                session.close(ErrorCode.NO_ERROR, "client.yaml changed how the server is reached");
            }
        }
    }

    private static Map<String, TunnelConfig> byName(List<TunnelConfig> tunnels) {
        Map<String, TunnelConfig> byName = new LinkedHashMap<>();
        tunnels.forEach(tunnel -> byName.put(tunnel.name(), tunnel));
        return byName;
    }

    public void start() {
        log.info("starting Portway client version={} transport={} server={} proxy={} clientId={}",
                ProductVersion.current(), transport.name(), config().servers(), config().proxy(), clientId);
        if (metrics != TunnelMetrics.NOOP) {
            long interval = config().keepAliveInterval().toNanos();
            group.next().scheduleAtFixedRate(this::sampleRtt, interval, interval, TimeUnit.NANOSECONDS);
        }
        connect();
        healthChecks.start();
    }

    /**
     * Completes when the client stops or gives up for good: another client took over its id, or (unless
     * {@code reconnect.exitOnFatal} is false) a failure that retrying cannot fix.
     */
    public CompletableFuture<Termination> terminated() {
        return terminated;
    }

    /** What the request inspector recorded; empty when client.yaml has no {@code inspect} (read at start only). */
    public Optional<InspectLog> inspectLog() {
        return Optional.ofNullable(inspect);
    }

    /** The local target of a tunnel this client serves now (from client.yaml, or pushed and allowed); empty if none. */
    public Optional<HostPort> localTarget(String tunnel) {
        synchronized (tunnels) {
            TunnelConfig config = tunnels.get(tunnel);
            return config == null ? Optional.empty() : Optional.of(config.local());
        }
    }

    /** The server host as configured, for showing public addresses the server gives without a host. */
    public String serverHost() {
        return config().server().host();
    }

    /**
     * Tells the server this client is leaving, lets open streams drain for up to {@code grace} (until the server has
     * acknowledged and the last stream ended), then closes.
     */
    public void stop(Duration grace) {
        stopping = true;
        healthChecks.stop();
        TunnelSession session = current;
        if (session != null) {
            // Not merely until no stream is open: the server may have an OPEN in flight, which must be refused
            // (so that it is tried elsewhere) before the carrier closes.
            session.goAway(ErrorCode.SHUTTING_DOWN, "client shutting down")
                    .awaitUninterruptibly(grace.toMillis(), TimeUnit.MILLISECONDS);
            session.close(ErrorCode.SHUTTING_DOWN, "client stopped");
            session.closeFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        terminated.complete(Termination.STOPPED);
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    private void connect() {
        if (stopping) {
            return;
        }
        Link now = link;
        // A reload may have shortened the list since the index was moved on.
        ServerAddress server = now.config().servers().get(Math.min(serverIndex, now.config().servers().size() - 1));
        SessionSettings settings = now.settings();
        now.serverDialer().dial(group, server,
                        pipeline -> new TunnelSession(Role.CLIENT, settings, new ServerConnection(server))
                                .addTo(pipeline),
                        cause -> failedBeforeSession(server, cause))
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        retry("cannot connect to " + server + ": "
                                + now.serverDialer().explain(server, f.cause()), false);
                    }
                });
    }

    /** A wss:// connection that ended before its upgrade: the same rules as a session's end, without a session. */
    private void failedBeforeSession(ServerAddress server, Throwable cause) {
        Optional<String> untrusted = cause == null ? Optional.empty() : ClientTls.certificateRefusal(cause);
        if (untrusted.isPresent()) {
            untrusted(server, untrusted.get());
            return;
        }
        retry("cannot connect to " + server + ": "
                + (cause == null ? "connection closed" : link.serverDialer().explain(server, cause)), false);
    }

    /**
     * A server whose certificate this client cannot trust. Another address of the list may be a node that presents
     * the right one, so it is tried; when the last address of the round refuses, the client ends (unless client.yaml
     * says to keep trying): waiting fixes no certificate.
     */
    private void untrusted(ServerAddress server, String refusal) {
        String reason = "cannot trust the server " + server + ": " + refusal;
        if (config().reconnect().exitOnFatal() && serverIndex + 1 >= config().servers().size()) {
            end(new Termination(Termination.Kind.SERVER_NOT_TRUSTED, reason));
            return;
        }
        retry(reason, false);
    }

    private void sampleRtt() {
        TunnelSession session = current;
        if (session != null && session.rttNanos() >= 0) {
            metrics.controlRtt(clientId, session.rttNanos());
        }
    }

    /** Gives up for good: nothing is retried, and {@link #terminated} says why (unless the client is stopping). */
    private void end(Termination why) {
        if (stopping) {
            return;
        }
        log.error("{}; not retrying", why.reason());
        events.onDisconnected(why.reason(), -1);
        terminated.complete(why);
    }

    /**
     * @param hadSession the connection that ended had authenticated: the next attempt starts again from the first
     *                   address. Otherwise the next address of the list is tried at once, and only a whole round of
     *                   failures waits for the backoff.
     */
    private void retry(String reason, boolean hadSession) {
        if (stopping) {
            return;
        }
        metrics.reconnect();
        List<ServerAddress> servers = config().servers();
        if (!hadSession && serverIndex + 1 < servers.size()) {
            serverIndex++;
            log.info("{}; trying the next server address {}", reason, servers.get(serverIndex));
            events.onDisconnected(reason, 0);
            group.next().execute(this::connect);
            return;
        }
        serverIndex = 0;
        long delay = link.backoff().delay(attempt++).toMillis();
        log.info("disconnected from server: {}; reconnecting in {} ms", reason, delay);
        events.onDisconnected(reason, delay);
        group.next().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * The server said it is going away (a node shutting down or draining): the client dials the next address at once,
     * without backoff, so a cluster's other node takes its session over; with one address it dials that one again
     * (a load balancer or a name with several addresses leads to another node; a lone server refuses, and the
     * backoff follows as after any failed dial).
     */
    private void nextServerAtOnce(String reason) {
        List<ServerAddress> servers = config().servers();
        if (stopping) {
            return;
        }
        metrics.reconnect();
        serverIndex = (Math.min(serverIndex, servers.size() - 1) + 1) % servers.size();
        log.info("{}; trying the next server address {} at once", reason, servers.get(serverIndex));
        events.onDisconnected(reason, 0);
        group.next().execute(this::connect);
    }

    /**
     * The server refused this client's user for a while (its plan: allowance used, or expired). Asking again sooner
     * than the server said would only be refused again, and backing off further would keep the client out long after
     * an operator's plan change let it back in: it waits exactly as long as told, without counting an attempt.
     */
    private void waitAsTold(String reason, long seconds, String liftsAt) {
        if (stopping) {
            return;
        }
        metrics.reconnect();
        long delay = TimeUnit.SECONDS.toMillis(seconds);
        log.warn("the server refused this client: {}; {}asking again in {} s", reason,
                liftsAt == null ? "" : "it lifts by itself at " + liftsAt + "; ", seconds);
        events.onSuspended(reason, liftsAt, delay);
        group.next().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * A tunnel the operator created through the server's API. It is taken only when its local target is listed in
     * {@code allowTargets}, and never replaces a tunnel of client.yaml; a refused push is logged and declined at
     * once with the reason (a server without {@link Hello#PUSH_DECLINE} gets no answer and reports it as pending
     * when no registration follows).
     */
    private void onPush(TunnelSession session, TunnelPush push) {
        TunnelSpec spec = push.tunnel();
        if (config().tunnels().stream().anyMatch(t -> t.name().equals(spec.name()))) {
            if (push.action() == TunnelPush.Action.ADD) {
                decline(session, spec.name(), "client.yaml defines a tunnel of that name");
            }
            return;
        }
        if (push.action() == TunnelPush.Action.REMOVE) {
            synchronized (tunnels) {
                tunnels.remove(spec.name());
                bandwidth.remove(spec.name());
            }
            session.send(new TunnelUnregister(List.of(spec.name())));
            log.info("[tunnel={}] removed by the server", spec.name());
            return;
        }
        HostPort target;
        try {
            target = spec.local() == null ? null : HostPort.parse(spec.local());
        } catch (IllegalArgumentException e) {
            target = null;
        }
        if (target == null || !config().allowTargets().contains(target)) {
            decline(session, spec.name(), "local target " + spec.local() + " is not in this client's allowTargets");
            return;
        }
        TunnelConfig tunnel = new TunnelConfig(spec.name(), spec.type(), target, spec.remotePort(), spec.http(),
                spec.group(), null, null, spec.ipRules(), spec.bandwidthLimit(), spec.maxConnections());
        Bandwidth limit = null;
        if (spec.bandwidthLimit() > 0) {
            try {
                limit = Bandwidth.perSecond(spec.bandwidthLimit());
            } catch (IllegalArgumentException e) {
                decline(session, spec.name(), "bandwidthLimit " + spec.bandwidthLimit() + ": " + e.getMessage());
                return;
            }
        }
        synchronized (tunnels) {
            tunnels.put(tunnel.name(), tunnel);
            traffic.computeIfAbsent(tunnel.name(), name -> metrics.traffic(name, ""));
            if (limit == null) {
                bandwidth.remove(tunnel.name());
            } else {
                bandwidth.put(tunnel.name(), limit);
            }
        }
        log.info("[tunnel={}] pushed by the server: {} -> {}", tunnel.name(), tunnel.type().wireName(), target);
        session.send(new TunnelRegister(List.of(tunnel.spec())));
    }

    private static void decline(TunnelSession session, String name, String reason) {
        log.warn("[tunnel={}] pushed by the server, declined: {}", name, reason);
        if (session.peerHello().capabilities().contains(Hello.PUSH_DECLINE)) {
            session.send(new TunnelResult(List.of(TunnelResult.Status.refused(name, reason))));
        }
    }

    private List<TunnelSpec> specsLocked() {
        return tunnels.values().stream()
                .filter(tunnel -> !unhealthy.contains(tunnel.name()))
                .map(TunnelConfig::spec)
                .toList();
    }

    /** A tunnel's HTTP/2 connections to its local service, and the tunnel config they were made for. */
    private record Http2Local(TunnelConfig tunnel, LocalHttp2Connections connections) {
    }

    /** One connection to the server; a reconnect makes a new one. */
    private final class ServerConnection implements SessionListener {
        private final ServerAddress server;
        private LocalUdpFlows udp;
        /** By tunnel name; on the session's event loop. */
        private final Map<String, Http2Local> http2 = new HashMap<>();
        private String refusal;
        /** A failure of this connection that retrying cannot fix, once known. */
        private Termination fatal;
        /** Why the server ended the connection, when it said. */
        private String closedBecause;
        /** Set when the server said how long to wait before asking again. */
        private AuthResult suspended;
        private boolean replaced;
        private boolean authenticated;
        /** The server said it is going away (shutting down or draining): another node may take this client now. */
        private boolean serverLeaving;
        /**
         * A new connection was dialled while this one drains (its server said it is going away): when it
         * authenticates, the server that takes it over ends this one, and its end is no reason to reconnect.
         */
        private boolean superseded;

        ServerConnection(ServerAddress server) {
            this.server = server;
        }

        @Override
        public void onReady(TunnelSession session) {
            current = session;
            udp = new LocalUdpFlows(session, transport, metrics);
            session.label("server=" + server);
            session.send(new Auth(config().token(), clientId));
        }

        @Override
        public void onControl(TunnelSession session, ControlMessage message) {
            if (message instanceof AuthResult result) {
                if (result.ok()) {
                    authenticated = true;
                    metrics.clientConnected(clientId);
                    synchronized (tunnels) {
                        registering = session;
                        session.send(new TunnelRegister(specsLocked()));
                    }
                } else if (result.retryAfterSeconds() != null) {
                    suspended = result;
                } else {
                    refusal = "authentication refused: " + result.reason();
                    log.warn("server refused authentication: {}", result.reason());
                    events.onAuthRefused(result.reason());
                    if (result.permanent()) {
                        fatal = new Termination(Termination.Kind.AUTH_REFUSED, "the server refused this client: "
                                + result.reason() + " (check token and clientId in client.yaml)");
                    }
                }
            } else if (message instanceof TunnelResult result) {
                attempt = 0;
                for (TunnelResult.Status status : result.results()) {
                    if (status.accepted()) {
                        log.info("[tunnel={}] open at {}", status.name(), status.publicAddress());
                    } else {
                        log.warn("[tunnel={}] refused by server: {}", status.name(), status.reason());
                    }
                }
                events.onRegistered(server, result.results());
            } else if (message instanceof TunnelPush push) {
                onPush(session, push);
            } else if (message instanceof FlowOpen open) {
                onFlowOpen(open);
            } else if (message instanceof FlowClose close) {
                udp.close(close);
            } else if (message instanceof Move move) {
                moveOn(session, "the server asked this client to move to another node"
                        + (move.reason() == null ? "" : ": " + move.reason()));
            } else {
                log.warn("ignoring {} from the server: not supported by this client", message.getClass().getSimpleName());
            }
        }

        @Override
        public StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream) {
            TunnelConfig tunnel;
            TunnelTraffic counted;
            Bandwidth limit;
            synchronized (tunnels) {
                tunnel = tunnels.get(stream.open().tunnel());
                counted = tunnel == null ? null : traffic.get(tunnel.name());
                limit = tunnel == null ? null : bandwidth.get(tunnel.name());
            }
            if (tunnel == null) {
                log.warn("server opened a stream for unknown tunnel {}; refused", stream.open().tunnel());
                return null;
            }
            if (tunnel.backendProtocol().http2()) {
                LocalHttp2Connections local = http2For(tunnel, session, counted, limit);
                return local == null ? null : local.bridge(stream);
            }
            return dialer.dial(stream, tunnel.name(), tunnel.local(), session.channel().eventLoop(), counted,
                    tunnel.proxyProtocol(), limit, carriesHttp(tunnel) ? inspect : null);
        }

        /**
         * The HTTP/2 connections of a tunnel with {@code backendProtocol: h2c | h2} on this session, made at its first
         * stream; a tunnel changed by a reload gets new ones, and the old ones close as their last streams end.
         * On the session's event loop.
         *
         * @return null when the TLS settings for the local service cannot be used (logged)
         */
        private LocalHttp2Connections http2For(TunnelConfig tunnel, TunnelSession session, TunnelTraffic counted,
                                               Bandwidth limit) {
            Http2Local existing = http2.get(tunnel.name());
            if (existing != null && existing.tunnel() == tunnel) {
                return existing.connections();
            }
            if (existing != null) {
                existing.connections().retire();
                http2.remove(tunnel.name());
            }
            ClientTls tls = null;
            if (tunnel.backendTls() != null) {
                try {
                    tls = ClientTlsContexts.forLocalHttp2(tunnel.backendTls());
                } catch (IOException | GeneralSecurityException e) {
                    log.warn("[tunnel={}] backendTls cannot be used: {}; stream refused", tunnel.name(), e.toString());
                    return null;
                }
            }
            LocalHttp2Connections connections = new LocalHttp2Connections(tunnel.name(), tunnel.local(), tls,
                    transport, config().dialTimeout(), session.channel().eventLoop(), counted, limit);
            http2.put(tunnel.name(), new Http2Local(tunnel, connections));
            return connections;
        }

        /** An http tunnel whose streams carry HTTP/1.1 in clear (not TLS passed through to the service). */
        private static boolean carriesHttp(TunnelConfig tunnel) {
            return tunnel.type() == TunnelType.HTTP
                    && (tunnel.http() == null || !"passthrough".equals(tunnel.http().https()));
        }

        /** The local target comes from this client's own tunnel, never from the server's message. */
        private void onFlowOpen(FlowOpen open) {
            TunnelConfig tunnel;
            TunnelTraffic counted;
            synchronized (tunnels) {
                tunnel = tunnels.get(open.tunnel());
                counted = tunnel == null ? null : traffic.get(tunnel.name());
            }
            if (tunnel == null || tunnel.type() != TunnelType.UDP) {
                log.warn("server opened a UDP flow for {}, which is not a udp tunnel here; its datagrams are dropped",
                        open.tunnel());
                return;
            }
            udp.open(open, tunnel.local(), counted);
        }

        @Override
        public void onDatagram(TunnelSession session, int flowId, ByteBuf payload) {
            udp.datagram(flowId, payload);
        }

        @Override
        public void onGoAway(TunnelSession session, GoAway goAway) {
            if (goAway.errorCode() == ErrorCode.SESSION_REPLACED) {
                replaced = true;
            } else if (goAway.errorCode() == ErrorCode.SHUTTING_DOWN) {
                serverLeaving = true;
                closedBecause = "the server is going away" + (goAway.reason() == null ? "" : ": " + goAway.reason());
                moveOn(session, closedBecause);
            } else if (goAway.errorCode() == ErrorCode.CONNECTION_CLOSED && goAway.reason() != null) {
                // The server ended this connection on purpose (an operator, or the user's plan): say why.
                closedBecause = "the server closed the connection: " + goAway.reason();
            }
        }

        /**
         * Dials the next node while this connection still stands: its streams finish here while the next node takes
         * the session over, and ends this one, so the client's names never go unserved (docs/cluster.md, "Drain and
         * leave").
         */
        private void moveOn(TunnelSession session, String reason) {
            serverLeaving = true;
            closedBecause = reason;
            if (authenticated && !superseded && current == session) {
                superseded = true;
                nextServerAtOnce(reason);
            }
        }

        @Override
        public void onClosed(TunnelSession session, Throwable cause) {
            if (udp != null) {
                udp.closeAll();
            }
            // The connections' streams are reset along with the session's; the close is on their loop.
            http2.values().forEach(local -> local.connections().retire());
            http2.clear();
            if (current == session) {
                current = null;
            }
            synchronized (tunnels) {
                if (registering == session) {
                    registering = null;
                }
            }
            if (authenticated) {
                metrics.clientDisconnected(clientId);
            }
            if (superseded) {
                // The connection dialled after the server's GOAWAY carries on, or retries on its own.
                log.info("[{}] the drained connection closed; its successor carries on", server);
                return;
            }
            if (replaced) {
                end(new Termination(Termination.Kind.REPLACED,
                        "another client with the same client id (" + clientId + ") took over this connection"));
                return;
            }
            Optional<String> untrusted = fatal == null && cause != null
                    ? ClientTls.certificateRefusal(cause) : Optional.empty();
            if (untrusted.isPresent()) {
                untrusted(server, untrusted.get());
                return;
            }
            if (fatal != null && config().reconnect().exitOnFatal()) {
                // Otherwise retried like any failure, for an operator to fix on the server; the message says what.
                end(fatal);
                return;
            }
            if (suspended != null) {
                waitAsTold(suspended.reason(), Math.max(1, suspended.retryAfterSeconds()), suspended.liftsAt());
                return;
            }
            if (serverLeaving && fatal == null && refusal == null) {
                nextServerAtOnce(closedBecause);
                return;
            }
            retry(fatal != null ? fatal.reason() : refusal != null ? refusal : closedBecause != null ? closedBecause
                    : cause == null ? "connection closed" : link.serverDialer().explain(server, cause), authenticated);
        }
    }

    /**
     * Unregisters a tunnel whose local target failed its checks and registers it again when it recovers; while
     * disconnected it only marks the tunnel, and the next registration leaves it out or takes it back.
     */
    private final class HealthListener implements HealthChecks.Listener {
        @Override
        public void down(TunnelConfig tunnel, int failures, String reason) {
            synchronized (tunnels) {
                if (tunnels.get(tunnel.name()) != tunnel) {
                    return; // removed or replaced by a reload while its check ran
                }
                log.warn("[tunnel={}] local target {} failed {} health check(s) in a row ({}); unregistering",
                        tunnel.name(), tunnel.local(), failures, reason);
                unhealthy.add(tunnel.name());
                if (registering != null) {
                    registering.send(new TunnelUnregister(List.of(tunnel.name())));
                }
            }
            events.onHealthChanged(tunnel.name(), false);
        }

        @Override
        public void up(TunnelConfig tunnel) {
            synchronized (tunnels) {
                if (tunnels.get(tunnel.name()) != tunnel) {
                    return; // removed or replaced by a reload while its check ran
                }
                log.info("[tunnel={}] local target {} passes its health check again; registering", tunnel.name(),
                        tunnel.local());
                unhealthy.remove(tunnel.name());
                if (registering != null) {
                    registering.send(new TunnelRegister(List.of(tunnel.spec())));
                }
            }
            events.onHealthChanged(tunnel.name(), true);
        }
    }
}
