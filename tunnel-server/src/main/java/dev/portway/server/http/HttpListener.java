package dev.portway.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

import java.io.IOException;
import java.net.InetSocketAddress;

/** A public web port every http tunnel shares: plain HTTP, or HTTPS routed by SNI. */
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
        return bind(template, bindHost, port, frontend.initializer(), "http.port");
    }

    /**
     * Binds {@code bindHost:port} with {@code childHandler} for accepted connections.
     *
     * @param setting the server.yaml field that sets the port, for the error message
     */
    public static HttpListener bind(ServerBootstrap template, String bindHost, int port, ChannelHandler childHandler,
                                    String setting) throws IOException, InterruptedException {
        var bound = template.clone().childHandler(childHandler).bind(bindHost, port).await();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw new IOException("cannot bind " + setting + " " + bindHost + ":" + port + ": " + cause.getMessage()
                    + " (" + hint(setting, port) + ")", cause);
        }
        return new HttpListener(bound.channel());
    }

    /**
     * Said for every failure, not only a {@link java.net.BindException}: the epoll transport reports "Permission
     * denied" and "Address already in use" as its own IOException, and both have the same two ways out.
     */
    static String hint(String setting, int port) {
        String privileged = port > 0 && port < 1024 ? "ports below 1024 need root or CAP_NET_BIND_SERVICE; " : "";
        return privileged + "set " + setting + ": 0 in server.yaml to turn this listener off, or a free port above 1024";
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
