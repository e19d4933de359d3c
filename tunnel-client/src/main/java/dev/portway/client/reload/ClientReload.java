package dev.portway.client.reload;

import dev.portway.client.TunnelClient;
import dev.portway.client.config.ClientConfig;
import dev.portway.client.config.ClientConfigLoader;
import dev.portway.client.tls.ClientTls;
import dev.portway.client.tls.ClientTlsContexts;
import dev.portway.protocol.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads client.yaml again (SIGHUP, or {@link ConfigFileWatch} seeing it change) and hands it to the running
 * {@link TunnelClient#reconfigure}. A file the loader refuses, or whose {@code tls} section cannot be set up, changes
 * nothing: its problems are logged with their field paths, as at start.
 *
 * <p>Threading: reloads are serialized on this object; they block on file reads.
 */
public final class ClientReload {
    private static final Logger log = LoggerFactory.getLogger(ClientReload.class);

    private final Path file;
    private final TunnelClient client;
    private final ClientConfig started;
    private ClientConfig running;

    /** @param started what {@code client} was started with, read from {@code file} */
    public ClientReload(Path file, ClientConfig started, TunnelClient client) {
        this.file = file;
        this.started = started;
        this.running = started;
        this.client = client;
    }

    /** @return the file as the client now runs it, when it was valid and changed something; else empty */
    public synchronized Optional<ClientConfig> reload() {
        ClientConfig next;
        ClientTls tls;
        try {
            next = ClientConfigLoader.load(file);
            tls = ClientTlsContexts.create(next.tls());
        } catch (ConfigException e) {
            log.warn("reload refused file={} problems={}: nothing changed", file, e.problems().size());
            e.problems().forEach(problem -> log.warn("reload problem: {}", problem));
            return Optional.empty();
        } catch (IOException | GeneralSecurityException e) {
            log.warn("reload refused file={}: nothing changed: {}: tls: cannot set up TLS: {}", file,
                    file.getFileName(), e.getMessage());
            return Optional.empty();
        }
        if (next.equals(running)) {
            log.info("reload done file={}: no change", file);
            return Optional.empty();
        }
        // The client id, the metrics listener and the inspector (its listener and its log of exchanges) belong to the
        // process; the rest is taken by the running client.
        if (!Objects.equals(next.clientId(), started.clientId())) {
            log.info("reload changed field=clientId applied=at-restart");
        }
        if (!Objects.equals(next.metrics(), started.metrics())) {
            log.info("reload changed field=metrics applied=at-restart");
        }
        if (!Objects.equals(next.inspect(), started.inspect())) {
            log.info("reload changed field=inspect applied=at-restart");
        }
        client.reconfigure(next, tls);
        running = next;
        log.info("reload done file={} tunnels={}", file, next.tunnels().size());
        return Optional.of(next);
    }
}
