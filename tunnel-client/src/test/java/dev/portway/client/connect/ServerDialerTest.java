package dev.portway.client.connect;

import dev.portway.client.config.ClientTlsConfig;
import dev.portway.client.config.ServerAddress;
import dev.portway.client.tls.ClientTlsContexts;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One server name with several addresses, as the nodes of a cluster behind one DNS name: an address that refuses is
 * passed over for the next, whichever the dial starts from; when all refuse, the dial fails.
 */
class ServerDialerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final EventLoopGroup group = Transport.detect().newGroup(1, "dialer-test");

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private ServerDialer dialer(InetAddress... addresses) throws Exception {
        return new ServerDialer(ClientTlsContexts.create(new ClientTlsConfig(null, null, true, null)), Transport.detect(),
                null, TIMEOUT, 64 * 1024, host -> addresses);
    }

    @Test
    void anAddressThatRefusesIsPassedOverForTheNextOfTheSameName() throws Exception {
        try (ServerSocket live = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            // Nothing listens on 127.0.0.2 at that port: the connection is refused.
            ServerDialer dialer = dialer(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1"));
            ServerAddress server = ServerAddress.direct(new HostPort("nodes.example", live.getLocalPort()));
            for (int attempt = 0; attempt < 8; attempt++) {
                Future<Channel> dialed = dialer.dial(group, server, pipeline -> { }, cause -> { }).await();
                assertThat(dialed.isSuccess()).as("attempt %d: %s", attempt, dialed.cause()).isTrue();
                assertThat(((InetSocketAddress) dialed.getNow().remoteAddress()).getAddress().getHostAddress())
                        .isEqualTo("127.0.0.1");
                dialed.getNow().close().sync();
                live.accept().close();
            }
        }
    }

    @Test
    void whenEveryAddressRefusesTheDialFails() throws Exception {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            port = gone.getLocalPort();
        }
        ServerDialer dialer = dialer(InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1"));
        Future<Channel> dialed = dialer.dial(group, ServerAddress.direct(new HostPort("nodes.example", port)),
                pipeline -> { }, cause -> { }).await();
        assertThat(dialed.isSuccess()).isFalse();
        assertThat(dialed.cause()).isInstanceOf(ConnectException.class);
    }
}
