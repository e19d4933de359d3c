package dev.portway.storage.cache;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portway.storage.change.ChangeBus;
import dev.portway.storage.change.ChangeEvent;
import dev.portway.storage.tunnels.Tunnel;
import dev.portway.storage.tunnels.TunnelRepository;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The routing look-ups of public traffic: remote port → tunnel, subdomain → tunnel, custom domain → tunnel. Same
 * rules as {@link TokenCache}: refreshed, never expired, misses not cached, and every tunnel change drops the entries
 * that point at that tunnel (whatever key they were found by) on every node. Disabled tunnels are returned too; the
 * router decides what to answer for them.
 */
public final class TunnelCache {
    private final AsyncLoadingCache<Integer, Tunnel> byPort;
    private final AsyncLoadingCache<String, Tunnel> bySubdomain;
    private final AsyncLoadingCache<String, Tunnel> byDomain;

    public TunnelCache(TunnelRepository tunnels, ChangeBus changes, CacheSettings settings) {
        this.byPort = builder(settings).buildAsync(new KeepOnFailureLoader<>(tunnels::findByRemotePort));
        this.bySubdomain = builder(settings).buildAsync(new KeepOnFailureLoader<>(tunnels::findBySubdomain));
        this.byDomain = builder(settings).buildAsync(new KeepOnFailureLoader<>(tunnels::findByCustomDomain));
        changes.subscribe(this::onChange);
    }

    private static Caffeine<Object, Object> builder(CacheSettings settings) {
        return Caffeine.newBuilder().maximumSize(settings.maxEntries()).refreshAfterWrite(settings.refreshAfter());
    }

    public CompletableFuture<Optional<Tunnel>> byRemotePort(int port) {
        return byPort.get(port).thenApply(Optional::ofNullable);
    }

    /** {@code label} is the part left of the server's base domain, e.g. {@code app} for app.tunnels.example. */
    public CompletableFuture<Optional<Tunnel>> bySubdomain(String label) {
        return bySubdomain.get(label.toLowerCase(Locale.ROOT)).thenApply(Optional::ofNullable);
    }

    public CompletableFuture<Optional<Tunnel>> byCustomDomain(String host) {
        return byDomain.get(host.toLowerCase(Locale.ROOT)).thenApply(Optional::ofNullable);
    }

    private void onChange(ChangeEvent event) {
        switch (event.kind()) {
            case TUNNEL -> {
                long id = Long.parseLong(event.key());
                for (AsyncLoadingCache<?, Tunnel> cache : caches()) {
                    cache.synchronous().asMap().values().removeIf(tunnel -> tunnel.id() == id);
                }
            }
            case ALL -> caches().forEach(cache -> cache.synchronous().invalidateAll());
            default -> {
                // not about tunnels
            }
        }
    }

    private List<AsyncLoadingCache<?, Tunnel>> caches() {
        return List.of(byPort, bySubdomain, byDomain);
    }
}
