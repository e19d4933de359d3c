package dev.portway.server.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real forward proxy from Debian's packages on a loopback port, for the client's proxy support: squid (HTTP
 * CONNECT, optionally with basic authentication) or dante (SOCKS5, optionally with a user name and password, which
 * dante checks against the system's users: {@link #SOCKS_USER}, created by .ci/run). Each runs in the foreground
 * with a configuration of its own in a temporary directory, and is killed on {@link #close}.
 */
public final class ForwardProxy implements AutoCloseable {
    public static final String SQUID = "/usr/sbin/squid";
    public static final String DANTE = "/usr/sbin/danted";
    /** The system user dante authenticates, and its password; .ci/run creates it (no shell, no home). */
    public static final String SOCKS_USER = "portway-socks";
    public static final String SOCKS_PASSWORD = "portway-socks-test";
    private static final Duration START = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path dir;

    private ForwardProxy(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static boolean squidInstalled() {
        return Files.isExecutable(Path.of(SQUID));
    }

    public static boolean danteInstalled() {
        return Files.isExecutable(Path.of(DANTE));
    }

    /** Whether dante can authenticate {@link #SOCKS_USER}: the user exists and dante runs as root to read its hash. */
    public static boolean socksUserExists() {
        return danteInstalled() && "root".equals(System.getProperty("user.name"))
                && readable("/etc/passwd").contains("\n" + SOCKS_USER + ":");
    }

    /** squid; with a {@code user}, only requests that present it and {@code password} by basic auth get through. */
    public static ForwardProxy squid(String user, String password) throws Exception {
        Path dir = Files.createTempDirectory("portway-squid");
        int port = TunnelFixture.freePort();
        String auth = "http_access allow all\n";
        if (user != null) {
            Path passwd = dir.resolve("passwd");
            Files.writeString(passwd, user + ":" + md5Crypt(password) + "\n");
            auth = """
                    auth_param basic program /usr/lib/squid/basic_ncsa_auth %s
                    auth_param basic realm portway-test
                    acl users proxy_auth REQUIRED
                    http_access allow users
                    http_access deny all
                    """.formatted(passwd);
        }
        Path conf = dir.resolve("squid.conf");
        Files.writeString(conf, """
                http_port 127.0.0.1:%d
                visible_hostname portway-test
                pid_filename %s/squid.pid
                cache_log %s/cache.log
                access_log stdio:%s/access.log
                coredump_dir %s
                cache deny all
                cache_mem 8 MB
                icp_port 0
                htcp_port 0
                shutdown_lifetime 0 seconds
                %s""".formatted(port, dir, dir, dir, dir, auth));
        openToAll(dir);
        // A service name of its own: squid names its shared memory after it, so two at once do not collide.
        String service = "portway" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Process process = new ProcessBuilder(SQUID, "-N", "-n", service, "-f", conf.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        return started(process, port, dir);
    }

    /** dante; with {@code withUser}, only {@link #SOCKS_USER} with {@link #SOCKS_PASSWORD} gets through. */
    public static ForwardProxy dante(boolean withUser) throws Exception {
        Path dir = Files.createTempDirectory("portway-dante");
        int port = TunnelFixture.freePort();
        Path conf = dir.resolve("danted.conf");
        Files.writeString(conf, """
                logoutput: stderr
                internal: 127.0.0.1 port = %d
                external: 127.0.0.1
                clientmethod: none
                socksmethod: %s
                user.privileged: root
                user.unprivileged: nobody
                client pass {
                  from: 127.0.0.0/8 to: 0.0.0.0/0
                }
                socks pass {
                  from: 127.0.0.0/8 to: 0.0.0.0/0
                  command: connect
                }
                """.formatted(port, withUser ? "username" : "none"));
        openToAll(dir);
        Process process = new ProcessBuilder(DANTE, "-f", conf.toString(), "-p", dir.resolve("danted.pid").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        return started(process, port, dir);
    }

    public int port() {
        return port;
    }

    /** What the proxy logged, for a failing test's message. */
    public String log() {
        return readable(dir.resolve("stdout.log").toString()) + readable(dir.resolve("cache.log").toString());
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private static ForwardProxy started(Process process, int port, Path dir) throws Exception {
        ForwardProxy proxy = new ForwardProxy(process, port, dir);
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the proxy exited with " + process.exitValue() + ": " + proxy.log());
            }
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return proxy;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        proxy.close();
        throw new IllegalStateException("the proxy did not listen on " + port + " within " + START + ": " + proxy.log());
    }

    /** Squid drops to its own user, which must write its logs and pid in the directory and read the files. */
    private static void openToAll(Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
    }

    /** An Apache MD5 hash, one of the forms squid's basic_ncsa_auth reads, from the openssl command. */
    private static String md5Crypt(String password) throws Exception {
        Process openssl = new ProcessBuilder(List.of("openssl", "passwd", "-apr1", password)).start();
        String hash = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (openssl.waitFor() != 0 || !hash.startsWith("$apr1$")) {
            throw new IllegalStateException("openssl passwd -apr1 failed: " + hash);
        }
        return hash;
    }

    private static String readable(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return "";
        }
    }
}
