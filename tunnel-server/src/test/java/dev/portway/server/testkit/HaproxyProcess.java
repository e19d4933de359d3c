package dev.portway.server.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HAProxy from Debian in front of a {@link ClusterFixture}'s three nodes, running the deployment example
 * {@code deploy/haproxy/haproxy.cfg} itself with only its addresses, port numbers and stats socket replaced by
 * loopback ones: the frontends on 127.0.0.1, the nodes on their own addresses, every node with the same ports (as in
 * the example). Started in the foreground ({@code -db}) as a child process; its statistics are read from the stats
 * socket. {@link #close} stops it.
 */
public final class HaproxyProcess implements AutoCloseable {
    public static final String HAPROXY = "/usr/sbin/haproxy";
    /** The deployment example: three nodes, one PostgreSQL. */
    public static final Path EXAMPLE = Path.of("..", "deploy", "haproxy", "haproxy.cfg").toAbsolutePath().normalize();
    /** The example's server names, one per node in order. */
    public static final List<String> SERVERS = List.of("node-a", "node-b", "node-c");
    public static final String CONTROL_BACKEND = "nodes-control";
    public static final String WEB_BACKEND = "nodes-web";
    public static final String TUNNEL_BACKEND = "nodes-tunnels";
    private static final List<String> EXAMPLE_NODES = List.of("10.0.0.1", "10.0.0.2", "10.0.0.3");
    private static final String EXAMPLE_PUBLIC = "192.0.2.10";
    private static final String FRONTEND = "127.0.0.1";

    private final Process process;
    private final Path dir;
    private final Path socket;

    /**
     * Where the frontends listen (on 127.0.0.1) and the nodes too (each on its own address): the control port and the
     * web port have the same number on both sides, as the tunnel ports {@code tunnelsFrom}..{@code tunnelsTo} do.
     */
    public record Layout(List<String> nodes, int control, int web, int admin, int tunnelsFrom, int tunnelsTo) {
        public Layout {
            if (nodes.size() != SERVERS.size()) {
                throw new IllegalArgumentException("the example has " + SERVERS.size() + " nodes: " + nodes);
            }
        }
    }

    private HaproxyProcess(Process process, Path dir, Path socket) {
        this.process = process;
        this.dir = dir;
        this.socket = socket;
    }

    public static boolean installed() {
        return Files.isExecutable(Path.of(HAPROXY));
    }

    /** The example with {@code layout}'s addresses and ports. */
    public static String config(Layout layout, Path socket) throws IOException {
        Map<String, String> replace = new LinkedHashMap<>();
        for (int i = 0; i < EXAMPLE_NODES.size(); i++) {
            replace.put("(?<![\\d.])" + Pattern.quote(EXAMPLE_NODES.get(i)) + "(?![\\d.])", layout.nodes().get(i));
        }
        replace.put("(?<![\\d.])" + Pattern.quote(EXAMPLE_PUBLIC) + "(?![\\d.])", FRONTEND);
        replace.put(number(7000), Integer.toString(layout.control()));
        replace.put(number(80), Integer.toString(layout.web()));
        replace.put(number(8080), Integer.toString(layout.web()));
        replace.put(number(7500), Integer.toString(layout.admin()));
        replace.put(number(20000), Integer.toString(layout.tunnelsFrom()));
        replace.put(number(20099), Integer.toString(layout.tunnelsTo()));
        replace.put(Pattern.quote("/run/haproxy/portway.sock"), socket.toString());
        String config = Files.readString(EXAMPLE);
        for (Map.Entry<String, String> r : replace.entrySet()) {
            Matcher m = Pattern.compile(r.getKey()).matcher(config);
            if (!m.find()) {
                throw new IllegalStateException(EXAMPLE + " no longer has " + r.getKey() + "; update "
                        + HaproxyProcess.class);
            }
            config = m.replaceAll(Matcher.quoteReplacement(r.getValue()));
        }
        return config;
    }

    /** A port number on its own, not part of a longer number or an address. */
    private static String number(int port) {
        return "(?<![\\d.])" + port + "(?![\\d.])";
    }

    /** Starts HAProxy with the example on {@code layout}; returns once its control frontend accepts connections. */
    public static HaproxyProcess start(Layout layout) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("portway-haproxy");
        Path socket = dir.resolve("stats.sock");
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, config(layout, socket));
        Process process = new ProcessBuilder(HAPROXY, "-f", cfg.toString(), "-db")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.log").toFile())
                .start();
        HaproxyProcess haproxy = new HaproxyProcess(process, dir, socket);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("haproxy ended with " + process.exitValue() + ":\n" + haproxy.log());
            }
            try (Socket ignored = new Socket(FRONTEND, layout.control())) {
                if (Files.exists(socket)) {
                    return haproxy;
                }
            } catch (IOException notYet) {
                // Still starting.
            }
            if (System.nanoTime() > deadline) {
                haproxy.close();
                throw new AssertionError("haproxy does not listen within 20 s:\n" + haproxy.log());
            }
            Thread.sleep(50);
        }
    }

    /** {@code port} of HAProxy's frontends. */
    public static InetSocketAddress frontend(int port) {
        return new InetSocketAddress(FRONTEND, port);
    }

    /** One line of {@code show stat}: a server, or a proxy's FRONTEND or BACKEND, by HAProxy's CSV column names. */
    public record Stat(Map<String, String> fields) {
        public String get(String column) {
            return fields.getOrDefault(column, "");
        }

        public long count(String column) {
            String value = get(column);
            return value.isEmpty() ? 0 : Long.parseLong(value);
        }
    }

    /** The statistics of {@code proxy}'s {@code server} ({@code BACKEND} for the backend as a whole). */
    public Stat stat(String proxy, String server) throws IOException {
        String[] lines = command("show stat").split("\n");
        List<String> columns = Arrays.asList(lines[0].substring("# ".length()).split(",", -1));
        for (String line : lines) {
            List<String> values = Arrays.asList(line.split(",", -1));
            if (values.size() >= 2 && values.get(0).equals(proxy) && values.get(1).equals(server)) {
                Map<String, String> fields = new LinkedHashMap<>();
                for (int i = 0; i < Math.min(columns.size(), values.size()); i++) {
                    fields.put(columns.get(i), values.get(i));
                }
                return new Stat(fields);
            }
        }
        throw new AssertionError("no statistics of " + proxy + "/" + server + " in:\n" + String.join("\n", lines));
    }

    /** Waits until HAProxy's checks see {@code server} (a node) as {@code status} in the control and web backends. */
    public void awaitStatus(String server, String status, Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            seen.clear();
            for (String backend : List.of(CONTROL_BACKEND, WEB_BACKEND)) {
                seen.add(stat(backend, server).get("status"));
            }
            if (seen.stream().allMatch(status::equals)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(server + " is " + seen + ", not " + status + ", after " + limit + ":\n" + log());
    }

    private String command(String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            StringBuilder answer = new StringBuilder();
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                answer.append(StandardCharsets.US_ASCII.decode(buffer));
                buffer.clear();
            }
            return answer.toString();
        }
    }

    /** What HAProxy printed: its alerts and warnings, server state changes. */
    public String log() {
        try {
            return Files.readString(dir.resolve("output.log"));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
