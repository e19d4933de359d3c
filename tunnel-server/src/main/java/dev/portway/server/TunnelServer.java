package dev.portway.server;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.ProductVersion;
import dev.portway.protocol.mux.SessionSettings;
import dev.portway.protocol.transport.Transport;
import dev.portway.server.auth.AuthFailureThrottle;
import dev.portway.server.auth.StaticTokenAuthenticator;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.control.ControlServer;
import dev.portway.server.control.SessionRegistry;
import dev.portway.server.tcp.PortAllocator;
import dev.portway.server.tcp.TcpTunnelBinder;
import dev.portway.server.tls.ServerCertificate;
import dev.portway.server.tls.ServerTlsContexts;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Portway server: the control listener clients connect to, and the public listeners of their tunnels.
 * {@link #start()} binds; {@link #stop(Duration)} stops accepting, tells every client it is going away and lets
 * open streams drain for up to the grace period.
 */
public final class TunnelServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TunnelServer.class);

    private final ServerConfig config;
    private final Transport transport = Transport.detect();
    private final EventLoopGroup bossGroup = transport.newGroup(1, "portway-accept");
    private final EventLoopGroup workerGroup = transport.newGroup(0, "portway-io");
    private final SessionRegistry registry = new SessionRegistry();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private ServerCertificate certificate;
    private ControlServer control;

    public TunnelServer(ServerConfig config) {
        this.config = config;
    }

    /** Binds the control port; returns the address it listens on (useful when the configured port is 0). */
    public InetSocketAddress start() throws InterruptedException, IOException, GeneralSecurityException {
        log.info("starting Portway server version={} transport={}", ProductVersion.current(), transport.name());
        if (transport.name().equals("nio") && Transport.epollUnavailabilityCause() != null) {
            log.debug("epoll unavailable: {}", Transport.epollUnavailabilityCause().toString());
        }
        certificate = ServerCertificate.fromConfig(config);
        StaticTokenAuthenticator authenticator = new StaticTokenAuthenticator(config.auth().tokens());
        if (authenticator.isEmpty()) {
            log.warn("no client tokens configured (auth.tokens): every client will be refused");
        }
        ServerBootstrap publicTemplate = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true);
        TcpTunnelBinder binder = new TcpTunnelBinder(publicTemplate, config.bind(), new PortAllocator(config.allowPorts()));
        SessionSettings settings = SessionSettings.defaults(ProductVersion.current())
                .withKeepAlive(config.keepAliveInterval(), config.keepAliveMissed());
        control = new ControlServer(bossGroup, workerGroup, transport, ServerTlsContexts.forControl(certificate),
                settings, registry, authenticator, new AuthFailureThrottle(), binder, config);
        InetSocketAddress address = control.bind();
        log.info("control listener bound address={}", address);
        return address;
    }

    public String certificateFingerprint() {
        return certificate.fingerprint();
    }

    public SessionRegistry sessions() {
        return registry;
    }

    /** Graceful stop: no new connections, GOAWAY to every client, streams drain until none is left or grace ends. */
    public void stop(Duration grace) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        if (control != null) {
            control.stopAccepting();
            registry.all().forEach(s -> s.session().goAway(ErrorCode.SHUTTING_DOWN, "server shutting down"));
            long deadline = System.nanoTime() + grace.toNanos();
            while (System.nanoTime() < deadline && registry.all().stream().anyMatch(s -> s.session().openStreams() > 0)) {
                sleepQuietly(50);
            }
            control.closeAll();
        }
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        log.info("server stopped");
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
