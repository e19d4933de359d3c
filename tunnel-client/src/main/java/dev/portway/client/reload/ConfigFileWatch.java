package dev.portway.client.reload;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Looks at a file's modification time and size every {@code period} and reports a change once the file has then
 * stayed the same for one more period, so that an editor's save in several writes is one change, and a half-written
 * file is not read. Polling rather than a WatchService: it sees a file replaced by a rename, an edit through a
 * symbolic link (Kubernetes' ConfigMaps) and network file systems alike, for one stat call per period.
 *
 * <p>Threading: polls and calls {@code onChange} on a daemon thread of its own.
 */
public final class ConfigFileWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigFileWatch.class);

    /** What is compared between polls; null when the file cannot be read (being replaced). */
    private record Stamp(FileTime modified, long size) {
    }

    private final Path file;
    private final Runnable onChange;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "portway-config-watch");
        t.setDaemon(true);
        return t;
    });
    /** What the last reported (or the first) look saw. Polls run on {@link #thread}, after the first look. */
    private Stamp seen;
    /** A new look that has not yet stayed the same for a period. */
    private Stamp pending;

    private ConfigFileWatch(Path file, Runnable onChange) {
        this.file = file;
        this.onChange = onChange;
    }

    public static ConfigFileWatch start(Path file, Duration period, Runnable onChange) {
        ConfigFileWatch watch = new ConfigFileWatch(file, onChange);
        // Before the first poll is scheduled: an edit from now on is a change.
        watch.seen = watch.stamp();
        watch.thread.scheduleWithFixedDelay(watch::poll, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
        return watch;
    }

    private void poll() {
        Stamp now = stamp();
        if (now == null || now.equals(seen)) {
            pending = null;
            return;
        }
        if (!now.equals(pending)) {
            pending = now;
            return;
        }
        seen = now;
        pending = null;
        try {
            onChange.run();
        } catch (RuntimeException e) {
            // The watch must survive a failed reload to see the next edit.
            log.error("reload after a change of {} failed", file, e);
        }
    }

    private Stamp stamp() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Stamp(attributes.lastModifiedTime(), attributes.size());
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
