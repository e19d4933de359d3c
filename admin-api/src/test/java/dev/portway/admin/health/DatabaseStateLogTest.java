package dev.portway.admin.health;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portway.storage.StorageUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseStateLogTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(DatabaseStateLog.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final DatabaseStateLog log = new DatabaseStateLog(2);

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    @Test
    void anOutageIsLoggedOnceWithItsCauseAndTheRecoveryOnce() {
        Throwable refused = new CompletionException(new StorageUnavailableException(
                "Database unavailable: Connection to 127.0.0.1:5432 refused", new ConnectException("refused")));

        assertThat(log.observed(null)).isTrue();
        assertThat(log.observed(null)).isFalse();
        assertThat(log.observed(refused)).isTrue();
        assertThat(log.observed(refused)).isFalse();
        assertThat(log.observed(new TimeoutException())).isFalse();
        assertThat(log.observed(null)).isTrue();
        assertThat(log.observed(null)).isFalse();

        assertThat(lines.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.INFO);
        ILoggingEvent down = lines.list.get(0);
        assertThat(down.getFormattedMessage())
                .isEqualTo("Readiness: database down: Database unavailable: Connection to 127.0.0.1:5432 refused");
        assertThat(down.getThrowableProxy()).isNull();
    }

    @Test
    void aProbeThatGaveUpWaitingSaysHowLongItWaited() {
        assertThat(log.observed(new CompletionException(new TimeoutException()))).isTrue();
        assertThat(lines.list).singleElement()
                .satisfies(line -> assertThat(line.getFormattedMessage()).endsWith("no answer within 2 s"));
    }
}
