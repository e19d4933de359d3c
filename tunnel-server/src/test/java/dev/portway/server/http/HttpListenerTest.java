package dev.portway.server.http;

import dev.portway.protocol.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class HttpListenerTest {
    private final Transport transport = Transport.detect();
    private final EventLoopGroup group = transport.newGroup(1, "listener-test");

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Whatever the transport calls the failure (epoll's is no BindException), the way out is named. */
    @Test
    void aPortThatCannotBeBoundNamesTheSettingAndHowToTurnItOff() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ServerBootstrap template = new ServerBootstrap().group(group).channel(transport.serverChannel());
            assertThatThrownBy(() -> HttpListener.bind(template, "127.0.0.1", taken.getLocalPort(),
                    new ChannelInboundHandlerAdapter(), "https.port"))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot bind https.port 127.0.0.1:" + taken.getLocalPort() + ": ")
                    .hasMessageContaining("set https.port: 0 in server.yaml to turn this listener off");
        }
    }

    @Test
    void aPrivilegedPortSaysWhatItNeeds() {
        assertThat(HttpListener.hint("https.port", 443)).startsWith("ports below 1024 need root or CAP_NET_BIND_SERVICE; ")
                .endsWith("or a free port above 1024");
        assertThat(HttpListener.hint("http.port", 8080)).startsWith("set http.port: 0");
    }
}
