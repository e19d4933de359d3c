package dev.portway.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portway.client.TunnelClient;
import dev.portway.server.config.AlertsConfig;
import dev.portway.server.config.ServerConfigLoader;
import dev.portway.server.testkit.EchoServer;
import dev.portway.server.testkit.NotificationReceiver;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TunnelFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's own alerts end to end: a real server and client, a client that goes offline, and local receivers that
 * stand in for a webhook and the Telegram Bot API. The alerts section is read from server.yaml text by the real loader.
 */
@Timeout(60)
class AlertsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BOT_TOKEN = "123456:secret-bot-token-never-logged";
    /** Longer than several evaluations and delivery retries: enough to see a duplicate if one were sent. */
    private static final Duration QUIET = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    private TunnelFixture fixture;
    private EchoServer echo;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        echo = new EchoServer();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        echo.close();
    }

    private AlertsConfig alerts(String receivers) throws Exception {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, """
                alerts:
                  interval: 100ms
                  clientOffline: {for: 1s}
                  tunnelDown: {enabled: false}
                  delivery: {attempts: 4, backoff: 100ms}
                """ + receivers);
        return ServerConfigLoader.load(file).alerts();
    }

    private TunnelClient connect(String clientId) throws Exception {
        RecordingEvents events = new RecordingEvents();
        TunnelClient client = fixture.startClient(fixture.clientConfig(fixture.controlAddress().getPort(),
                TunnelFixture.TOKEN, List.of(TunnelFixture.tcp("echo", echo.port(), 0)), Duration.ofSeconds(10)),
                clientId, events);
        events.nextRegistration(TunnelFixture.WAIT);
        return client;
    }

    @Test
    void anOfflineClientIsAnnouncedOnceFiringAndOnceResolvedAndAFailingReceiverGetsRetries() throws Exception {
        try (NotificationReceiver webhook = new NotificationReceiver(2)) {
            fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                    .withAlerts(alerts("  webhooks: [{url: \"" + webhook.url("/hook") + "\"}]\n")));
            TunnelClient client = connect("laptop");
            // Seen by a few evaluations first: only a client that was present can go missing.
            Thread.sleep(300);
            client.close();

            NotificationReceiver.Received firing = webhook.next(Duration.ofSeconds(15));
            assertThat(firing).as("firing notification").isNotNull();
            assertThat(webhook.requests()).as("two refused attempts, then the accepted one").isEqualTo(3);
            JsonNode body = JSON.readTree(firing.body());
            assertThat(body.path("alert").asText()).isEqualTo("PortwayClientOffline");
            assertThat(body.path("state").asText()).isEqualTo("firing");
            assertThat(body.path("severity").asText()).isEqualTo("warning");
            assertThat(body.path("labels").path("client").asText()).isEqualTo("laptop");
            assertThat(body.path("summary").asText()).contains("laptop");
            assertThat(body.path("startsAt").asText()).isNotEmpty();
            assertThat(body.path("endsAt").isNull()).isTrue();
            assertThat(webhook.next(QUIET)).as("no second firing").isNull();

            connect("laptop");
            NotificationReceiver.Received resolved = webhook.next(Duration.ofSeconds(15));
            assertThat(resolved).as("resolved notification").isNotNull();
            JsonNode resolvedBody = JSON.readTree(resolved.body());
            assertThat(resolvedBody.path("state").asText()).isEqualTo("resolved");
            assertThat(resolvedBody.path("labels").path("client").asText()).isEqualTo("laptop");
            assertThat(resolvedBody.path("startsAt").asText()).isEqualTo(body.path("startsAt").asText());
            assertThat(resolvedBody.path("endsAt").asText()).isNotEmpty();
            assertThat(webhook.next(QUIET)).as("nothing more").isNull();
        }
    }

    @Test
    void telegramGetsTheMessageAndTheTokenIsNeverLogged() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try (NotificationReceiver bot = new NotificationReceiver(1)) {
            fixture.startServer(fixture.serverConfig(0, Duration.ofSeconds(10), 3).withAlerts(alerts("""
                      telegram:
                        token: "%s"
                        chatId: "-100200300"
                        baseUrl: "%s"
                    """.formatted(BOT_TOKEN, bot.url("/")))));
            TunnelClient client = connect("nas");
            // Seen by a few evaluations first: only a client that was present can go missing.
            Thread.sleep(300);
            client.close();

            NotificationReceiver.Received message = bot.next(Duration.ofSeconds(15));
            assertThat(message).isNotNull();
            assertThat(message.path()).isEqualTo("/bot" + BOT_TOKEN + "/sendMessage");
            JsonNode body = JSON.readTree(message.body());
            assertThat(body.path("chat_id").asText()).isEqualTo("-100200300");
            assertThat(body.path("text").asText()).contains("FIRING", "PortwayClientOffline", "client=nas");
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).isNotEmpty();
        assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains("secret-bot-token"));
        assertThat(logs.list).anyMatch(e -> e.getFormattedMessage().contains("[alert=PortwayClientOffline] firing"));
    }
}
