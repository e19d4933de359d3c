package dev.portway.server.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import dev.portway.server.config.AccessLogConfig;

import java.nio.file.Path;

/**
 * Sends {@link AccessLog}'s logger to its rolling file. Built in code rather than in the logback XML because the file
 * and its bounds come from server.yaml, which is read after logging starts; and only by the server's {@code main},
 * once per process, since the logger is one per JVM while tests run many servers in one.
 *
 * <p>The file rolls over by size into {@code <file>.1} … {@code <file>.<maxFiles - 1>} (the oldest is deleted), so the
 * log never takes more than {@code maxFiles × maxFileSize} of disk. Lines reach the file through a
 * {@link BatchingAppender}: event loops never wait for the disk.
 */
public final class AccessLogFile {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %msg%n";
    private static final int QUEUE_SIZE = 16_384;
    private static final long MAX_DELAY_MILLIS = 100;
    /** How often the file's size is looked at: logback's default of a minute lets a busy log overshoot by far. */
    private static final Duration SIZE_CHECK = Duration.buildBySeconds(1);

    private final Logger logger;
    private final BatchingAppender appender;

    private AccessLogFile(Logger logger, BatchingAppender appender) {
        this.logger = logger;
        this.appender = appender;
    }

    /**
     * Attaches the file {@code settings} name (or {@code dataDir/logs/access.log}) to the access logger of
     * {@code context}, creating the file and its directories.
     */
    public static AccessLogFile open(LoggerContext context, AccessLogConfig settings, Path dataDir) {
        String file = settings.file(dataDir).toAbsolutePath().toString();

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();

        RollingFileAppender<ILoggingEvent> rolling = new RollingFileAppender<>();
        rolling.setContext(context);
        rolling.setName("ACCESS");
        rolling.setFile(file);
        rolling.setEncoder(encoder);
        // The batching appender flushes after each batch.
        rolling.setImmediateFlush(false);

        FixedWindowRollingPolicy window = new FixedWindowRollingPolicy();
        window.setContext(context);
        window.setParent(rolling);
        window.setFileNamePattern(file + ".%i");
        window.setMinIndex(1);
        window.setMaxIndex(settings.maxFiles() - 1);
        window.start();

        SizeBasedTriggeringPolicy<ILoggingEvent> size = new SizeBasedTriggeringPolicy<>();
        size.setContext(context);
        size.setMaxFileSize(new FileSize(settings.maxFileSize()));
        size.setCheckIncrement(SIZE_CHECK);
        size.start();

        rolling.setRollingPolicy(window);
        rolling.setTriggeringPolicy(size);
        rolling.start();

        BatchingAppender batching = new BatchingAppender();
        batching.setContext(context);
        batching.setName("ACCESS_ASYNC");
        batching.setQueueSize(QUEUE_SIZE);
        batching.setMaxDelayMillis(MAX_DELAY_MILLIS);
        batching.addAppender(rolling);
        batching.start();

        Logger logger = context.getLogger(AccessLog.LOGGER);
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        logger.addAppender(batching);
        return new AccessLogFile(logger, batching);
    }

    /** Detaches the file and writes what is still queued. */
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
