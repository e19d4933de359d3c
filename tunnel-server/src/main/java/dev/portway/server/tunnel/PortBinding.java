package dev.portway.server.tunnel;

import dev.portway.server.tcp.PortAllocator;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Reserves a public port and binds it, for every tunnel type that owns a port: the requested one, or when 0 some
 * free allowed port, moving on to another one when the operating system already has the picked one in use.
 */
public final class PortBinding {
    private static final int PICK_ATTEMPTS = 16;

    private PortBinding() {
    }

    /**
     * @param bind binds one reserved port; a failed stage releases the reservation and, for a picked port, tries the
     *             next one
     * @return completes with what {@code bind} produced, or fails with {@link TunnelRefusedException}
     */
    public static <T> CompletableFuture<T> open(PortAllocator ports, int requestedPort,
                                                IntFunction<CompletionStage<T>> bind) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (requestedPort == 0) {
            tryPick(ports, bind, result, PICK_ATTEMPTS);
            return result;
        }
        String refusal = ports.reserve(requestedPort);
        if (refusal != null) {
            result.completeExceptionally(new TunnelRefusedException(refusal));
            return result;
        }
        bind.apply(requestedPort).whenComplete((bound, error) -> {
            if (error == null) {
                result.complete(bound);
            } else {
                ports.release(requestedPort);
                result.completeExceptionally(
                        new TunnelRefusedException("port " + requestedPort + " is in use on the server"));
            }
        });
        return result;
    }

    /**
     * The outcome of one bind: {@code opened}, after {@code bound} was given the channel, once {@code binding}
     * succeeds; its failure otherwise.
     */
    public static <T> CompletionStage<T> whenBound(ChannelFuture binding, Consumer<Channel> bound, T opened) {
        CompletableFuture<T> result = new CompletableFuture<>();
        binding.addListener(f -> {
            if (f.isSuccess()) {
                bound.accept(binding.channel());
                result.complete(opened);
            } else {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    private static <T> void tryPick(PortAllocator ports, IntFunction<CompletionStage<T>> bind,
                                    CompletableFuture<T> result, int attemptsLeft) {
        int port = ports.reserveAny();
        if (port < 0 || attemptsLeft == 0) {
            if (port >= 0) {
                ports.release(port);
            }
            result.completeExceptionally(new TunnelRefusedException("no free port left in allowPorts"));
            return;
        }
        bind.apply(port).whenComplete((bound, error) -> {
            if (error == null) {
                result.complete(bound);
            } else {
                ports.release(port);
                tryPick(ports, bind, result, attemptsLeft - 1);
            }
        });
    }
}
