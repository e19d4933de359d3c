package dev.portway.client.health;

import dev.portway.client.config.HealthCheckConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one health check against a local target without blocking: a tcp check passes when the target accepts a
 * connection, an http check when it answers {@code GET path} with a 2xx status. The result is null when the check
 * passed, or the reason it failed. Every check ends within the configured timeout and closes its connection.
 */
public final class HealthProbe {
    /** A status line longer than this is not an answer worth reading. */
    private static final int MAX_LINE = 4096;

    private final Transport transport;

    public HealthProbe(Transport transport) {
        this.transport = transport;
    }

    public CompletableFuture<String> check(HostPort target, HealthCheckConfig config, EventLoop loop) {
        CompletableFuture<String> result = new CompletableFuture<>();
        long timeoutMillis = Math.max(1, config.timeout().toMillis());
        boolean http = config.type() == HealthCheckConfig.Type.HTTP;
        ChannelFuture connected = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (http) {
                            ch.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE),
                                    new StatusLineHandler(result));
                        }
                    }
                })
                .connect(target.host(), target.port());
        ScheduledFuture<?> deadline = loop.schedule(() -> result.complete("no answer within " + timeoutMillis + " ms"),
                timeoutMillis, TimeUnit.MILLISECONDS);
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                result.complete("cannot connect: " + f.cause().getMessage());
            } else if (http) {
                connected.channel().writeAndFlush(Unpooled.copiedBuffer(
                        request(target, config.path()), StandardCharsets.US_ASCII));
            } else {
                result.complete(null);
            }
        });
        result.whenComplete((reason, error) -> {
            deadline.cancel(false);
            connected.channel().close();
        });
        return result;
    }

    static String request(HostPort target, String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: " + target + "\r\nUser-Agent: portway-health-check\r\n"
                + "Connection: close\r\n\r\n";
    }

    /** Null when {@code line} is an HTTP status line with a 2xx status, else why the check failed. */
    static String judgeStatusLine(String line) {
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || parts[1].length() != 3
                || !parts[1].chars().allMatch(Character::isDigit)) {
            return "not an HTTP answer";
        }
        return parts[1].charAt(0) == '2' ? null : "HTTP status " + parts[1];
    }
}
