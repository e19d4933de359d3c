package dev.portway.server.reload;

import dev.portway.protocol.config.ConfigException;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.config.ServerConfigLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;

/**
 * Re-reads the server.yaml a server started with and hands what changed to {@link LiveSettings}. An invalid file
 * changes nothing. A change the running server cannot take is reported on every reload until a restart, since it is
 * compared with the file the server started with, not with the last reload.
 *
 * <p>Threading: reloads (SIGHUP, the admin API) are serialized on this object; they block on file reads.
 */
public final class ServerReload {
    private static final Logger log = LoggerFactory.getLogger(ServerReload.class);

    private final Path file;
    private final ServerConfig started;
    private final LiveSettings live;
    private ServerConfig running;

    public ServerReload(Path file, ServerConfig started, LiveSettings live) {
        this.file = file;
        this.started = started;
        this.running = started;
        this.live = live;
    }

    /** @throws ConfigException the file's problems, each with its field path; nothing was changed */
    public synchronized ReloadReport reload() throws ConfigException {
        ServerConfig next;
        try {
            next = ServerConfigLoader.load(file);
        } catch (ConfigException e) {
            log.warn("reload refused file={} problems={}: nothing changed", file, e.problems().size());
            e.problems().forEach(problem -> log.warn("reload problem: {}", problem));
            throw e;
        }
        List<ConfigDiff.Change> applied = ConfigDiff.between(running, next).stream()
                .filter(change -> change.effect() == ConfigDiff.Effect.LIVE).toList();
        List<ConfigDiff.Change> needsRestart = ConfigDiff.between(started, next).stream()
                .filter(change -> change.effect() == ConfigDiff.Effect.RESTART).toList();
        List<String> failures = live.apply(next);
        running = next;
        applied.forEach(change -> log.info("reload changed field={} applied=live", change.field()));
        needsRestart.forEach(change -> log.info("reload changed field={} applied=at-restart", change.field()));
        failures.forEach(failure -> log.warn("reload kept old setting: {}", failure));
        log.info("reload done file={} applied={} needsRestart={} failures={}", file, applied.size(),
                needsRestart.size(), failures.size());
        return new ReloadReport(applied, needsRestart, failures);
    }
}
