package dev.portway.client;

import dev.portway.client.config.ClientConfig;
import dev.portway.client.config.ClientConfigLoader;
import dev.portway.client.config.ClientMetricsConfig;
import dev.portway.client.config.ServerAddress;
import dev.portway.client.config.TunnelConfig;
import dev.portway.client.inspect.InspectServer;
import dev.portway.client.metrics.ClientMetricsEndpoint;
import dev.portway.monitor.TunnelMetrics;
import dev.portway.monitor.micrometer.PrometheusMetrics;
import dev.portway.client.tls.ClientTls;
import dev.portway.client.tls.ClientTlsContexts;
import dev.portway.protocol.ProductVersion;
import dev.portway.client.reload.ClientReload;
import dev.portway.client.reload.ConfigFileWatch;
import dev.portway.protocol.cli.HangupSignal;
import dev.portway.protocol.cli.LauncherArgs;
import dev.portway.protocol.config.ConfigException;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.TunnelResult;

import java.io.IOException;
import java.io.PrintStream;
import java.security.GeneralSecurityException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code tunnel-client -c client.yaml}. Prints one line per tunnel once the server has answered. Exit codes:
 * <ul>
 *   <li>0 after a clean stop;</li>
 *   <li>1 when the client cannot start (its metrics or inspector port) or gives up because another client with the same client id
 *       took over;</li>
 *   <li>2 for a usage or configuration error;</li>
 *   <li>3 when the server's certificate is not the pinned {@code tls.fingerprint} (the message shows the one it
 *       presented) or not trusted by {@code tls.ca};</li>
 *   <li>4 when the server refuses the token (unknown, revoked, or its user suspended) or the client id.</li>
 * </ul>
 * 3 and 4 only with {@code reconnect.exitOnFatal: true} (the default); with {@code false} the client keeps retrying.
 */
public final class ClientMain {
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
    /** How often client.yaml is looked at; a change is read one period after it was seen, once it stays. */
    private static final Duration WATCH_PERIOD = Duration.ofSeconds(2);

    private ClientMain() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        String usage = LauncherArgs.usage("tunnel-client", "client.yaml; required");
        LauncherArgs args;
        try {
            args = LauncherArgs.parse(argv);
        } catch (IllegalArgumentException e) {
            err.println("tunnel-client: " + e.getMessage());
            err.print(usage);
            return 2;
        }
        if (args.help()) {
            out.print(usage);
            return 0;
        }
        if (args.version()) {
            out.println("tunnel-client " + ProductVersion.current());
            return 0;
        }
        if (args.config() == null) {
            err.println("tunnel-client: -c client.yaml is required");
            err.print(usage);
            return 2;
        }
        args.configureLogging();
        ClientConfig config;
        ClientTls tls;
        try {
            config = ClientConfigLoader.load(args.config());
            tls = ClientTlsContexts.create(config.tls());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 2;
        } catch (IOException | GeneralSecurityException e) {
            err.println(args.config().getFileName() + ": tls: cannot set up TLS: " + e.getMessage());
            return 2;
        }
        if (args.check()) {
            out.println("ok: " + args.config());
            return 0;
        }
        String clientId = config.clientId() != null ? config.clientId() : defaultClientId(config, args.config());
        PrometheusMetrics prometheus = null;
        ClientMetricsEndpoint endpoint = null;
        if (config.metrics() != null) {
            prometheus = PrometheusMetrics.forClient();
            try {
                endpoint = ClientMetricsEndpoint.start(config.metrics(), prometheus);
            } catch (IOException e) {
                err.println("tunnel-client: cannot serve metrics on " + ClientMetricsConfig.BIND + ":"
                        + config.metrics().port() + ": " + e.getMessage());
                prometheus.close();
                return 1;
            }
            out.println("Metrics: http://" + ClientMetricsConfig.BIND + ":" + endpoint.address().getPort() + "/metrics");
        }
        ConsoleEvents events = new ConsoleEvents(config, out);
        TunnelClient client = new TunnelClient(config, clientId, tls, events,
                prometheus == null ? TunnelMetrics.NOOP : prometheus.recorder(), null);
        InspectServer inspector = null;
        if (config.inspect() != null) {
            try {
                inspector = InspectServer.start(config.inspect(), client.inspectLog().orElseThrow(),
                        client::localTarget);
            } catch (IOException e) {
                err.println("tunnel-client: cannot serve the inspector on " + config.inspect().address() + ":"
                        + config.inspect().port() + ": " + e.getMessage());
                if (endpoint != null) {
                    endpoint.close();
                    prometheus.close();
                }
                client.close();
                return 1;
            }
            out.println("Inspector: http://" + new HostPort(config.inspect().address(), inspector.address().getPort())
                    + "/");
        }
        client.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> client.stop(SHUTDOWN_GRACE), "portway-shutdown"));
        ClientReload reload = new ClientReload(args.config(), config, client);
        Runnable reloadAndShow = () -> reload.reload().ifPresent(events::reconfigured);
        HangupSignal.onHangup(reloadAndShow);
        ConfigFileWatch watch = ConfigFileWatch.start(args.config(), WATCH_PERIOD, reloadAndShow);
        Termination end = client.terminated().join();
        watch.close();
        if (inspector != null) {
            inspector.close();
        }
        if (endpoint != null) {
            endpoint.close();
            prometheus.close();
        }
        if (end.kind() != Termination.Kind.STOPPED) {
            err.println("tunnel-client: " + end.reason());
        }
        return exitCode(end.kind());
    }

    static int exitCode(Termination.Kind kind) {
        return switch (kind) {
            case STOPPED -> 0;
            case REPLACED -> 1;
            case SERVER_NOT_TRUSTED -> 3;
            case AUTH_REFUSED -> 4;
        };
    }

    /**
     * Stable across restarts of the same client on the same host, so a restarted client takes over the ports its
     * previous run still holds on the server instead of finding them "in use".
     */
    static String defaultClientId(ClientConfig config, Path configFile) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        String seed = host + "\n" + configFile.toAbsolutePath().normalize() + "\n" + config.token();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return "c-" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Prints the tunnel table and connection changes for the person running the client. */
    static final class ConsoleEvents implements ClientEvents {
        private final PrintStream out;
        /** Replaced by a reload, so that the lines of a tunnel it added show its type and target. */
        private volatile Map<String, TunnelConfig> tunnels;

        ConsoleEvents(ClientConfig config, PrintStream out) {
            this.out = out;
            reconfigured(config);
        }

        void reconfigured(ClientConfig next) {
            tunnels = next.tunnels().stream().collect(Collectors.toMap(TunnelConfig::name, Function.identity()));
        }

        @Override
        public void onRegistered(ServerAddress server, List<TunnelResult.Status> statuses) {
            int nameWidth = statuses.stream().mapToInt(s -> s.name().length()).max().orElse(4);
            for (TunnelResult.Status status : statuses) {
                TunnelConfig tunnel = tunnels.get(status.name());
                String type = tunnel == null ? "?" : tunnel.type().wireName();
                String target = tunnel == null ? "?" : tunnel.local().toString();
                String name = String.format("%-" + nameWidth + "s", status.name());
                if (status.accepted()) {
                    String addresses = Stream.concat(Stream.of(status.publicAddress()), status.alsoAt().stream())
                            .map(address -> publicAddress(server, address)).collect(Collectors.joining(", "));
                    out.printf("%s  %s  %s -> %s%n", name, type, addresses, target);
                } else {
                    out.printf("%s  %s  refused: %s%n", name, type, status.reason());
                }
            }
            out.flush();
        }

        @Override
        public void onAuthRefused(String reason) {
            out.println("server refused authentication: " + reason);
            out.flush();
        }

        @Override
        public void onSuspended(String reason, String liftsAt, long retryMillis) {
            out.printf("refused by the server: %s%s; asking again in %.0f s%n", reason,
                    liftsAt == null ? "" : " (lifts by itself at " + liftsAt + ")", retryMillis / 1000.0);
            out.flush();
        }

        @Override
        public void onDisconnected(String reason, long retryMillis) {
            if (retryMillis >= 0) {
                out.printf("disconnected: %s; reconnecting in %.1f s%n", reason, retryMillis / 1000.0);
            }
            out.flush();
        }

        /** A tcp/udp address the server gave without a host is on the host this session reached. */
        private static String publicAddress(ServerAddress server, String address) {
            return address.startsWith(":") ? server.host() + address : address;
        }
    }
}
