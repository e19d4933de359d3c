package dev.portway.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import dev.portway.server.testkit.Wire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * INFO is for lifecycle: once a client and its tunnel are up, public connections through the tunnel, the alert
 * evaluations and the rate snapshots running meanwhile log nothing at INFO or above, on either side.
 */
@Timeout(60)
class SteadyTrafficLogIT {
    @Test
    void connectionsThroughAnOpenTunnelLogNothingAtInfo() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        try (TunnelFixture fixture = new TunnelFixture(); EchoServer echo = new EchoServer()) {
            fixture.startServer(fixture.serverConfig(0, Duration.ofMillis(200), 20));
            TunnelResult.Status status = fixture.connect("steady", new RecordingEvents(),
                    TunnelFixture.tcp("echo", echo.port(), 0)).get(0);
            logs.start();
            root.addAppender(logs);
            try {
                for (int i = 0; i < 30; i++) {
                    Wire.Exchange exchange = Wire.echo(TunnelFixture.port(status), 4096, i);
                    assertThat(exchange.receivedSha256()).isEqualTo(exchange.sentSha256());
                }
                // Long enough for keep-alives, rate snapshots (2 s) and alert evaluations to run.
                Thread.sleep(2500);
            } finally {
                root.detachAppender(logs);
            }
        }
        assertThat(logs.list)
                .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .extracting(ILoggingEvent::getFormattedMessage)
                .isEmpty();
    }
}
