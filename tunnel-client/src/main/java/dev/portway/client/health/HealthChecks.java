package dev.portway.client.health;

import dev.portway.client.config.HealthCheckConfig;
import dev.portway.client.config.TunnelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the health checks of the tunnels that have one, each on an event loop of the client's group: a check starts
 * {@code interval} after the previous one ended, so checks of one tunnel never overlap and a slow target delays
 * only its own tunnel. Transitions go to a {@link Listener}.
 *
 * <p>Threading: {@link #start}, {@link #add}, {@link #remove} and {@link #stop} from any thread; each tunnel's state
 * lives on its own event loop. A check under way when its tunnel is removed reports nothing.
 */
public final class HealthChecks {
    /** Told when a tunnel goes down or comes back; called on an event loop, returns quickly. */
    public interface Listener {
        void down(TunnelConfig tunnel, int failures, String reason);

        void up(TunnelConfig tunnel);
    }

    private final List<TunnelConfig> initial;
    private final HealthProbe probe;
    private final EventLoopGroup group;
    private final Listener listener;
    /** Per tunnel name, whether its checks go on: cleared when the tunnel is removed or replaced. */
    private final Map<String, AtomicBoolean> active = new ConcurrentHashMap<>();
    private volatile boolean stopped;

    public HealthChecks(List<TunnelConfig> tunnels, HealthProbe probe, EventLoopGroup group, Listener listener) {
        this.initial = List.copyOf(tunnels);
        this.probe = probe;
        this.group = group;
        this.listener = listener;
    }

    public void start() {
        initial.forEach(this::add);
    }

    /** Starts checking {@code tunnel} if it has a health check (a tunnel added by a reload). */
    public void add(TunnelConfig tunnel) {
        if (tunnel.healthCheck() == null || stopped) {
            return;
        }
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean previous = active.put(tunnel.name(), running);
        if (previous != null) {
            previous.set(false);
        }
        EventLoop loop = group.next();
        HealthState state = new HealthState(tunnel.healthCheck().failures());
        loop.execute(() -> run(tunnel, state, loop, running));
    }

    /** Stops checking the tunnel {@code name} (removed or replaced by a reload); nothing when it has no checks. */
    public void remove(String name) {
        AtomicBoolean running = active.remove(name);
        if (running != null) {
            running.set(false);
        }
    }

    public void stop() {
        stopped = true;
    }

    private void run(TunnelConfig tunnel, HealthState state, EventLoop loop, AtomicBoolean running) {
        if (stopped || !running.get()) {
            return;
        }
        HealthCheckConfig config = tunnel.healthCheck();
        // The probe completes on its connection's loop, which is this one: the state is never shared.
        probe.check(tunnel.local(), config, loop).whenComplete((reason, error) -> {
            if (!running.get()) {
                return;
            }
            String failure = error != null ? error.toString() : reason;
            switch (state.record(failure == null)) {
                case DOWN -> listener.down(tunnel, state.failedInRow(), failure);
                case UP -> listener.up(tunnel);
                case NONE -> {
                }
            }
            if (!stopped && running.get() && !loop.isShuttingDown()) {
                loop.schedule(() -> run(tunnel, state, loop, running), config.interval().toNanos(),
                        TimeUnit.NANOSECONDS);
            }
        });
    }
}
