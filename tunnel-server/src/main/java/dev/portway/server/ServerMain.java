package dev.portway.server;

import ch.qos.logback.classic.LoggerContext;
import dev.portway.protocol.ProductVersion;
import dev.portway.protocol.cli.HangupSignal;
import dev.portway.protocol.cli.LauncherArgs;
import dev.portway.protocol.config.ConfigException;
import dev.portway.server.backup.BackupCommand;
import dev.portway.server.backup.RestoreCommand;
import dev.portway.server.cli.admin.AdminCommand;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.config.ServerConfigLoader;
import dev.portway.server.http.AccessLogFile;
import dev.portway.storage.bootstrap.InitialCredentials;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * {@code tunnel-server [-c server.yaml]}, and the operator's commands {@code backup}, {@code restore} and
 * {@code admin}. Exit codes: 0 after a clean stop, 1 when the server cannot start, 2 for a usage or configuration
 * error.
 */
public final class ServerMain {
    private static final String USAGE = LauncherArgs.usage("tunnel-server",
            "server.yaml; without it the defaults apply") + """
            Commands (each takes --help):
              backup --to FILE [-c FILE]               write the database's configuration to FILE (JSON)
              restore --from FILE [--force] [-c FILE]  load a backup into the database, the server stopped
              admin RESOURCE VERB ...                  call the admin API
            """;

    private ServerMain() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err, System.console() != null));
    }

    /** @param terminal whether a person reads {@code out}: only then are first-start secrets printed */
    static int run(String[] argv, PrintStream out, PrintStream err, boolean terminal) {
        if (argv.length > 0) {
            List<String> rest = List.of(argv).subList(1, argv.length);
            switch (argv[0]) {
                case "backup" -> {
                    return BackupCommand.run(rest, out, err);
                }
                case "restore" -> {
                    return RestoreCommand.run(rest, out, err);
                }
                case "admin" -> {
                    return AdminCommand.run(rest, out, err, System.getenv());
                }
                default -> {
                    // the server itself
                }
            }
        }
        LauncherArgs args;
        try {
            args = LauncherArgs.parse(argv);
        } catch (IllegalArgumentException e) {
            err.println("tunnel-server: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        if (args.help()) {
            out.print(USAGE);
            return 0;
        }
        if (args.version()) {
            out.println("tunnel-server " + ProductVersion.current());
            return 0;
        }
        args.configureLogging();
        ServerConfig config;
        try {
            config = args.config() == null ? ServerConfig.defaults() : ServerConfigLoader.load(args.config());
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 2;
        }
        if (args.check()) {
            out.println("ok: " + args.config());
            return 0;
        }
        openAccessLog(config);
        TunnelServer server = new TunnelServer(config, args.config());
        InetSocketAddress address;
        try {
            address = server.start();
        } catch (Exception e) {
            err.println("tunnel-server: cannot start: " + e.getMessage());
            server.close();
            return 1;
        }
        out.println("Portway server " + ProductVersion.current() + " listening for clients on " + config.bind()
                + ":" + address.getPort());
        out.println("TLS certificate fingerprint: " + server.certificateFingerprint());
        if (server.adminAddress() != null) {
            String admin = "http://" + hostForUrl(config.admin().bind()) + ":" + server.adminAddress().getPort();
            out.println("Metrics: " + admin + "/metrics");
            if (server.storage().isPresent()) {
                out.println("Admin API: " + admin + "/api/v1/ (OpenAPI at /api/v1/openapi.json)");
            }
        }
        server.initialCredentials().ifPresent(credentials -> printOnce(out, credentials, terminal));
        out.flush();
        HangupSignal.onHangup(() -> reload(server));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.stop(config.shutdownGrace());
            } finally {
                // Stopping logback writes what its appenders still hold: the access log's last batch and buffers.
                if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logging) {
                    logging.stop();
                }
            }
        }, "portway-shutdown"));
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The reload logs what it changed, or the file's problems; a server without a file says there is nothing to do. */
    private static void reload(TunnelServer server) {
        try {
            server.reload();
        } catch (ConfigException e) {
            // Logged by the reload with every problem; the server goes on with what it runs.
        } catch (IllegalStateException e) {
            // Not a static logger: logging is configured in run(), and a logger made earlier would miss that.
            LoggerFactory.getLogger(ServerMain.class).warn("SIGHUP ignored: {}", e.getMessage());
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(ServerMain.class).error("reload failed", e);
        }
    }

    /** Only a server with a public web listener writes an access log, so only such a server has the file. */
    private static void openAccessLog(ServerConfig config) {
        boolean web = config.http().httpPort() != 0 || config.http().httpsPort() != 0;
        if (web && LoggerFactory.getILoggerFactory() instanceof LoggerContext logging) {
            AccessLogFile.open(logging, config.accessLog(), config.dataDir());
        }
    }

    /**
     * The only time these secrets exist in plain text besides the 0600 file: the database keeps hashes. Stdout, not
     * the log, because logs are shipped and kept where secrets must not go; and only to a terminal, because stdout
     * redirected to a file or a service manager's journal is kept and read by others as well.
     */
    private static void printOnce(PrintStream out, InitialCredentials credentials, boolean terminal) {
        if (!terminal) {
            out.println("First start: created the user '" + credentials.admin().name()
                    + "'; its admin API key and client token are in " + credentials.file() + " (mode 0600)");
            return;
        }
        out.println("First start: created the user '" + credentials.admin().name()
                + "'. These credentials are shown once (also in " + credentials.file() + "):");
        out.println("  admin API key: " + credentials.apiKey().key());
        out.println("  client token:  " + credentials.clientToken().token());
    }

    private static String hostForUrl(String host) {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }
}
