package dev.portway.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;

/** The public plain-HTTP port every http tunnel shares. */
public final class HttpListener implements AutoCloseable {
    private final Channel channel;

    private HttpListener(Channel channel) {
        this.channel = channel;
    }

    /**
     * Binds {@code bindHost:port}; a failure names the port and why, since the usual cause (port 80 without root or
     * {@code CAP_NET_BIND_SERVICE}) is the operator's to fix.
     *
     * @param template a bootstrap with groups, channel type and child options set; it is cloned
     */
    public static HttpListener bind(ServerBootstrap template, String bindHost, int port, HttpFrontend frontend)
            throws IOException, InterruptedException {
        var bound = template.clone().childHandler(frontend.initializer()).bind(bindHost, port).await();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            String hint = port < 1024 && cause instanceof BindException
                    ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE; or set http.port)" : "";
            throw new IOException("cannot bind http.port " + bindHost + ":" + port + ": " + cause.getMessage() + hint,
                    cause);
        }
        return new HttpListener(bound.channel());
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
