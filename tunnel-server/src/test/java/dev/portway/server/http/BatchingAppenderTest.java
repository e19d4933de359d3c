package dev.portway.server.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class BatchingAppenderTest {
    private final LoggerContext context = new LoggerContext();
    private final BatchingAppender batching = new BatchingAppender();

    BatchingAppenderTest() {
        context.setMDCAdapter(new LogbackMDCAdapter());
    }

    @AfterEach
    void stop() {
        batching.stop();
        context.stop();
    }

    private LoggingEvent event(String message, Object... args) {
        return new LoggingEvent(getClass().getName(), context.getLogger("portway.access"), Level.INFO, message, null,
                args);
    }

    private void startWith(Appender<ILoggingEvent> child, int queueSize) {
        child.setContext(context);
        child.start();
        batching.setContext(context);
        batching.setName("ACCESS_ASYNC");
        batching.setQueueSize(queueSize);
        batching.setMaxDelayMillis(20);
        batching.addAppender(child);
        batching.start();
        assertThat(batching.isStarted()).isTrue();
    }

    @Test
    void everyEventFromEveryThreadArrivesInOrderAndFormattedOnceWritten() throws Exception {
        ListAppender<ILoggingEvent> list = new ListAppender<>();
        startWith(list, 16_384);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            Thread loop = new Thread(() -> {
                for (int i = 0; i < 2_000; i++) {
                    batching.doAppend(event("{} {}", thread, i));
                }
            }, "loop-" + t);
            loop.start();
            threads.add(loop);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        batching.stop();
        assertThat(list.list).hasSize(8_000);
        for (int t = 0; t < 4; t++) {
            String prefix = t + " ";
            String threadName = "loop-" + t;
            List<String> mine = list.list.stream().filter(e -> e.getFormattedMessage().startsWith(prefix))
                    .peek(e -> assertThat(e.getThreadName()).isEqualTo(threadName))
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(mine).hasSize(2_000);
            for (int i = 0; i < mine.size(); i++) {
                assertThat(mine.get(i)).isEqualTo(prefix + i);
            }
        }
    }

    @Test
    void aBufferedFileIsFlushedAfterEachBatchWithoutWaitingForStop(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.setImmediateFlush(false);
        startWith(appender, 1_024);

        batching.doAppend(event("one line"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && (!Files.exists(file) || Files.size(file) == 0)) {
            Thread.sleep(5);
        }
        assertThat(Files.readString(file)).isEqualTo("one line" + System.lineSeparator());
    }

    @Test
    void aWriterThatFallsBehindDropsAndReportsInsteadOfBlockingTheLogger() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        ListAppender<ILoggingEvent> list = new ListAppender<>() {
            @Override
            protected void append(ILoggingEvent e) {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                super.append(e);
            }
        };
        startWith(list, 4);
        batching.doAppend(event("first"));
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        // The writer is stuck on "first": four more fit in the queue, the rest are dropped at once.
        for (int i = 0; i < 10; i++) {
            batching.doAppend(event("more {}", i));
        }
        release.countDown();
        batching.stop();
        assertThat(list.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("first", "more 0", "more 1", "more 2", "more 3");
        assertThat(context.getStatusManager().getCopyOfStatusList()).extracting(Status::getMessage)
                .contains("6 events dropped by appender ACCESS_ASYNC: its writer fell 4 events behind");
    }

    @Test
    void refusesToStartWithoutAnAppenderToWriteTo() {
        batching.setContext(context);
        batching.setName("ACCESS_ASYNC");
        batching.start();
        assertThat(batching.isStarted()).isFalse();
        assertThat(context.getStatusManager().getCopyOfStatusList()).extracting(Status::getMessage)
                .anyMatch(m -> m.contains("no appender-ref in appender ACCESS_ASYNC"));
    }
}
