package dev.portway.server.claims;

import dev.portway.server.tcp.PortAllocator;
import dev.portway.storage.change.ChangeBus;
import dev.portway.storage.change.ChangeEvent;
import dev.portway.storage.change.ChangeKind;
import dev.portway.storage.claims.ClaimRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;

/**
 * Keeps the port allocators from handing a reserved port to whoever asks for any port: loaded at start and again
 * whenever a claim or user changes on any node (a deleted user's reservations go with it).
 */
public final class ReservedPorts {
    private static final Logger log = LoggerFactory.getLogger(ReservedPorts.class);

    private final ClaimRepository claims;
    private final List<PortAllocator> allocators;

    private ReservedPorts(ClaimRepository claims, List<PortAllocator> allocators) {
        this.claims = claims;
        this.allocators = allocators;
    }

    /** Starts keeping {@code allocators} up to date; the first load runs in the background. */
    public static void keep(ClaimRepository claims, ChangeBus changes, List<PortAllocator> allocators) {
        ReservedPorts ports = new ReservedPorts(claims, List.copyOf(allocators));
        changes.subscribe(ports::onChange);
        ports.reload();
    }

    private void onChange(ChangeEvent event) {
        if (event.kind() == ChangeKind.CLAIM || event.kind() == ChangeKind.USER || event.kind() == ChangeKind.ALL) {
            reload();
        }
    }

    private void reload() {
        claims.reservedPorts().whenComplete((ports, error) -> {
            if (error != null) {
                log.warn("cannot load reserved ports; random ports may land on one until the next change: {}",
                        error.getMessage());
                return;
            }
            Set<Integer> numbers = ports.keySet();
            allocators.forEach(allocator -> allocator.withhold(numbers));
        });
    }
}
