package dev.portway.benchmarks.load;

import dev.portway.monitor.TunnelMetrics;
import dev.portway.client.ClientEvents;
import dev.portway.client.TunnelClient;
import dev.portway.client.config.ClientConfig;
import dev.portway.client.config.ClientTlsConfig;
import dev.portway.client.config.ReconnectConfig;
import dev.portway.client.config.ServerAddress;
import dev.portway.client.config.TunnelConfig;
import dev.portway.client.tls.ClientTls;
import dev.portway.client.tls.ClientTlsContexts;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import io.netty.channel.EventLoopGroup;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Case 7: {@code count} clients, each its own TLS connection with one TCP tunnel, in this one JVM on a shared event
 * loop group, against a server process this class starts (so its memory and CPU are its own). Measures the
 * server's RSS and CPU while the clients sit idle with keep-alive on, then restarts the server (SIGTERM, wait,
 * start again with the same data directory, hence the same certificate) and measures how long it takes, from the
 * moment the new server prints that it listens, until every client has registered its tunnel again; and how many
 * connect attempts the clients made meanwhile, with the busiest second.
 */
final class ManyClients {
    private final List<String> serverCommand;
    private final Path serverLog;
    private final Path pidFile;
    private final int count;
    private final String token;
    private final int localPort;
    private final long idleNanos;
    private final long timeoutNanos;
    private final ConcurrentLinkedQueue<Long> attemptTimes = new ConcurrentLinkedQueue<>();
    private volatile long countAttemptsAfter = Long.MAX_VALUE;

    ManyClients(List<String> serverCommand, Path serverLog, Path pidFile, int count, String token, int localPort,
                long idleNanos, long timeoutNanos) {
        this.serverCommand = serverCommand;
        this.serverLog = serverLog;
        this.pidFile = pidFile;
        this.count = count;
        this.token = token;
        this.localPort = localPort;
        this.idleNanos = idleNanos;
        this.timeoutNanos = timeoutNanos;
    }

    String run() throws Exception {
        Server server = startServer();
        List<TunnelClient> clients = new ArrayList<>();
        EventLoopGroup group = Netty.group(0, "clients");
        StringBuilder out = new StringBuilder();
        try {
            Thread.sleep(1000);
            long rssEmpty = ProcStats.rssKib(server.pid());
            ClientTlsConfig tlsConfig = ClientTlsConfig.pinned(server.fingerprint);
            ClientTls tls = ClientTlsContexts.create(tlsConfig);
            Registrations[] events = new Registrations[count];
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                ClientConfig config = ClientConfig.of(new HostPort("127.0.0.1", server.port), token, tlsConfig,
                        List.of(new TunnelConfig("t" + i, TunnelType.TCP, new HostPort("127.0.0.1", localPort), 0)));
                events[i] = new Registrations();
                TunnelClient client = new TunnelClient(config, "bench-" + i, tls, events[i], TunnelMetrics.NOOP, group);
                clients.add(client);
                client.start();
            }
            int first = awaitAll(events, t0, t0 + timeoutNanos);
            double connectSeconds = (System.nanoTime() - t0) / 1e9;
            out.append(String.format("clients=%d registered=%d initial_connect_s=%.1f", count, first, connectSeconds));
            Thread.sleep(3000);
            long rss0 = ProcStats.rssKib(server.pid());
            double cpu0 = ProcStats.cpuSeconds(server.pid());
            long i0 = System.nanoTime();
            Thread.sleep(idleNanos / 1_000_000);
            double cpuIdle = (ProcStats.cpuSeconds(server.pid()) - cpu0) / ((System.nanoTime() - i0) / 1e9) * 100;
            long rssIdle = ProcStats.rssKib(server.pid());
            out.append(String.format(" server_rss_empty_kib=%d server_rss_idle_kib=%d server_rss_per_client_kib=%.1f"
                            + " server_idle_cpu_pct=%.2f idle_s=%.0f", rssEmpty, Math.max(rss0, rssIdle),
                    (Math.max(rss0, rssIdle) - rssEmpty) / (double) count, cpuIdle, idleNanos / 1e9));

            long killAt = System.nanoTime();
            countAttemptsAfter = killAt;
            server.stop();
            Server again = startServer();
            long acceptingAt = again.listeningAt;
            int back = awaitAll(events, acceptingAt, acceptingAt + timeoutNanos);
            long[] backAt = new long[count];
            for (int i = 0; i < count; i++) {
                backAt[i] = events[i].lastRegistered - acceptingAt;
            }
            java.util.Arrays.sort(backAt);
            long lastBack = acceptingAt + backAt[count - 1];
            long attempts = attemptTimes.size();
            Map<Long, Integer> perSecond = new TreeMap<>();
            for (long t : attemptTimes) {
                perSecond.merge((t - killAt) / 1_000_000_000L, 1, Integer::sum);
            }
            int peak = perSecond.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            out.append(String.format(" restart_down_s=%.1f back=%d all_back_s=%.2f back_p50_s=%.2f back_p90_s=%.2f"
                            + " connect_attempts=%d peak_attempts_per_s=%d", (acceptingAt - killAt) / 1e9, back,
                    back == count ? (lastBack - acceptingAt) / 1e9 : Double.NaN, Percentiles.ms(backAt, 0.5) / 1e3,
                    Percentiles.ms(backAt, 0.9) / 1e3, attempts, peak));
            server = again;
            return out.toString();
        } finally {
            countAttemptsAfter = Long.MAX_VALUE;
            for (TunnelClient c : clients) {
                c.stop(Duration.ZERO);
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            server.stop();
        }
    }

    /** Waits until every client registered (all tunnels accepted) after {@code since}; returns how many did. */
    private static int awaitAll(Registrations[] events, long since, long deadline) throws InterruptedException {
        while (true) {
            int n = 0;
            for (Registrations r : events) {
                if (r.lastRegistered > since) {
                    n++;
                }
            }
            if (n == events.length || System.nanoTime() > deadline) {
                return n;
            }
            Thread.sleep(20);
        }
    }

    private Server startServer() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(serverCommand)
                .redirectError(ProcessBuilder.Redirect.appendTo(serverLog.toFile()))
                .redirectInput(new File("/dev/null"));
        Process process = pb.start();
        Files.writeString(pidFile, process.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Server server = new Server(process);
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.contains("listening for clients on")) {
                        server.listeningAt = System.nanoTime();
                        server.port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
                    } else if (line.startsWith("TLS certificate fingerprint: ")) {
                        server.fingerprint = line.substring("TLS certificate fingerprint: ".length()).trim();
                    }
                    if (server.port > 0 && server.fingerprint != null) {
                        ready.complete(null);
                    }
                }
                ready.completeExceptionally(new IOException("server exited before it was ready"));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        }, "server-stdout");
        t.setDaemon(true);
        t.start();
        try {
            ready.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("server did not start: " + e.getMessage() + " (see " + serverLog + ")");
        }
        return server;
    }

    private static final class Server {
        final Process process;
        volatile long listeningAt;
        volatile int port;
        volatile String fingerprint;

        Server(Process process) {
            this.process = process;
        }

        long pid() {
            return process.pid();
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Records when its client last had all its tunnels accepted, and every reconnect attempt it scheduled. */
    private final class Registrations implements ClientEvents {
        volatile long lastRegistered;

        @Override
        public void onRegistered(ServerAddress server, List<TunnelResult.Status> statuses) {
            if (statuses.stream().allMatch(TunnelResult.Status::accepted)) {
                lastRegistered = System.nanoTime();
            }
        }

        @Override
        public void onDisconnected(String reason, long retryMillis) {
            long now = System.nanoTime();
            if (retryMillis >= 0 && now >= countAttemptsAfter) {
                attemptTimes.add(now + retryMillis * 1_000_000);
            }
        }
    }
}
