package dev.portway.protocol.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON log configuration the launchers select by default ({@code --log-format json}), run for real in a logger
 * context of its own: every line on stderr is one JSON object with time, level, logger and message, also for messages
 * with quotes, line breaks and a stack trace, and key-value fields come out as fields.
 */
class JsonLogFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @SuppressWarnings("unchecked")
    void everyLineIsOneJsonObjectWithTimeLevelLoggerAndMessage() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        // What SLF4J's provider would set up; a bare context has no MDC adapter.
        context.setMDCAdapter(new LogbackMDCAdapter());
        try {
            URL config = getClass().getClassLoader().getResource("portway-logback-json.xml");
            assertThat(config).isNotNull();
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(config);
            // The configured appender with its encoder, writing here instead of to the process's stderr.
            OutputStreamAppender<ILoggingEvent> stderr = (OutputStreamAppender<ILoggingEvent>)
                    context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
            assertThat(stderr).isNotNull();
            stderr.setOutputStream(captured);
            Logger log = context.getLogger("dev.portway.server.control.ClientSession");
            log.info("[client={} tunnel={}] tcp open at {}", "c1", "web", "203.0.113.7:2222");
            log.atWarn().addKeyValue("client", "c1").addKeyValue("peer", "198.51.100.9:40000")
                    .log("refused: \"quoted\" reason\nsecond line");
            log.error("[client=c1] unexpected", new IllegalStateException("boom"));
            log.debug("below the default level: not written");
        } finally {
            context.stop();
        }

        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        assertThat(lines).hasSize(3);
        for (JsonNode line : lines) {
            assertThat(line.path("timestamp").asLong()).isPositive();
            assertThat(line.path("level").asText()).isIn("INFO", "WARN", "ERROR");
            assertThat(line.path("loggerName").asText()).isEqualTo("dev.portway.server.control.ClientSession");
            assertThat(line.path("formattedMessage").asText()).isNotEmpty();
        }
        assertThat(lines.get(0).path("formattedMessage").asText())
                .isEqualTo("[client=c1 tunnel=web] tcp open at 203.0.113.7:2222");
        assertThat(lines.get(1).path("formattedMessage").asText()).isEqualTo("refused: \"quoted\" reason\nsecond line");
        assertThat(lines.get(1).path("kvpList").toString()).contains("\"client\":\"c1\"", "\"peer\":\"198.51.100.9:40000\"");
        assertThat(lines.get(2).path("throwable").path("className").asText()).isEqualTo("java.lang.IllegalStateException");
    }
}
