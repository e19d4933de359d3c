package dev.portway.client.health;

import dev.portway.client.config.HealthCheckConfig;
import dev.portway.client.config.TunnelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the health checks of the tunnels that have one, each on an event loop of the client's group: a check starts
 * {@code interval} after the previous one ended, so checks of one tunnel never overlap and a slow target delays
 * only its own tunnel. Transitions go to a {@link Listener}.
 *
 * <p>Threading: {@link #start} and {@link #stop} from any thread; each tunnel's state lives on its own event loop.
 */
public final class HealthChecks {
    /** Told when a tunnel goes down or comes back; called on an event loop, returns quickly. */
    public interface Listener {
        void down(TunnelConfig tunnel, int failures, String reason);

        void up(TunnelConfig tunnel);
    }

    private final List<TunnelConfig> tunnels;
    private final HealthProbe probe;
    private final EventLoopGroup group;
    private final Listener listener;
    private volatile boolean stopped;

    public HealthChecks(List<TunnelConfig> tunnels, HealthProbe probe, EventLoopGroup group, Listener listener) {
        this.tunnels = tunnels.stream().filter(t -> t.healthCheck() != null).toList();
        this.probe = probe;
        this.group = group;
        this.listener = listener;
    }

    public void start() {
        for (TunnelConfig tunnel : tunnels) {
            EventLoop loop = group.next();
            HealthState state = new HealthState(tunnel.healthCheck().failures());
            loop.execute(() -> run(tunnel, state, loop));
        }
    }

    public void stop() {
        stopped = true;
    }

    private void run(TunnelConfig tunnel, HealthState state, EventLoop loop) {
        if (stopped) {
            return;
        }
        HealthCheckConfig config = tunnel.healthCheck();
        // The probe completes on its connection's loop, which is this one: the state is never shared.
        probe.check(tunnel.local(), config, loop).whenComplete((reason, error) -> {
            String failure = error != null ? error.toString() : reason;
            switch (state.record(failure == null)) {
                case DOWN -> listener.down(tunnel, state.failedInRow(), failure);
                case UP -> listener.up(tunnel);
                case NONE -> {
                }
            }
            if (!stopped && !loop.isShuttingDown()) {
                loop.schedule(() -> run(tunnel, state, loop), config.interval().toNanos(), TimeUnit.NANOSECONDS);
            }
        });
    }
}
