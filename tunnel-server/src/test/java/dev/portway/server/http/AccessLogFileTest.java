package dev.portway.server.http;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import dev.portway.server.config.AccessLogConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The access log file rolls over by size and keeps no more than its number of files. */
class AccessLogFileTest {
    private static final long MAX_FILE_SIZE = 4096;
    private static final int LINES_PER_TICK = 10;
    private static final long TICK_MILLIS = 50;

    @TempDir
    Path dataDir;

    @Test
    @Timeout(30)
    void rollsOverBySizeAndDeletesTheOldestBeyondMaxFiles() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        AccessLogFile file = AccessLogFile.open(context, new AccessLogConfig(null, MAX_FILE_SIZE, 3), dataDir);
        Logger access = context.getLogger(AccessLog.LOGGER);
        long written = 0;
        int line = 0;
        // Five seconds: the size is looked at once a second, so the file rolls over about five times.
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            for (int i = 0; i < LINES_PER_TICK; i++) {
                String text = "127.0.0.1 \"app.example\" \"GET /line/" + line++ + "\" 200 512 3 web";
                access.info(text);
                written += text.length() + 30;
            }
            Thread.sleep(TICK_MILLIS);
        }
        String last = "\"GET /line/" + (line - 1) + "\"";
        file.close();

        Path logs = dataDir.resolve("logs");
        assertThat(names(logs)).containsExactlyInAnyOrder("access.log", "access.log.1", "access.log.2");
        assertThat(Files.readString(logs.resolve("access.log"))).endsWith(last + " 200 512 3 web\n");
        // A file may pass the size by what a second brings before the next look, never by more.
        long secondOfLines = written / 5 + LINES_PER_TICK * 100L;
        long kept = 0;
        for (String name : names(logs)) {
            long size = Files.size(logs.resolve(name));
            assertThat(size).as(name).isLessThanOrEqualTo(MAX_FILE_SIZE + secondOfLines);
            kept += size;
        }
        assertThat(kept).as("older lines were deleted").isLessThan(written);
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }
}
