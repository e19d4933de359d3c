package dev.portway.server.http;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands log events to the appenders it holds from one writer thread, in batches: the writer wakes every
 * {@code maxDelayMillis} (or sooner when the queue is half full), writes what has queued and flushes the files
 * once. Meant for the access log, where one line per request would otherwise cost the logging thread a wake-up of
 * the writer and a write system call each; a line reaches the file at most {@code maxDelayMillis} late. Attached
 * file appenders should set {@code immediateFlush} false, since this flushes them after each batch.
 *
 * <p>Events are taken on the logging thread (an event loop) and never block it: when the writer is
 * {@code queueSize} events behind, further events are dropped and counted, and the count is reported on the
 * logback status once the writer catches up.
 *
 * <p>Threading: {@link #append} from any thread; the held appenders are called from the writer thread only.
 */
public final class BatchingAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {
    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private final AtomicLong dropped = new AtomicLong();
    private int queueSize = 16_384;
    private long maxDelayMillis = 100;
    private ArrayBlockingQueue<ILoggingEvent> queue;
    private volatile Thread writer;

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public void setMaxDelayMillis(long maxDelayMillis) {
        this.maxDelayMillis = maxDelayMillis;
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (queueSize < 2 || maxDelayMillis < 1) {
            addError("queueSize must be at least 2 and maxDelayMillis at least 1 in appender " + getName());
            return;
        }
        if (!appenders.iteratorForAppenders().hasNext()) {
            addError("no appender-ref in appender " + getName() + ": its events would go nowhere");
            return;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        super.start();
        String name = getName() == null ? "batching" : getName().toLowerCase(Locale.ROOT);
        Thread thread = new Thread(this::writeLoop, "portway-" + name + "-writer");
        thread.setDaemon(true);
        writer = thread;
        thread.start();
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        Thread thread = writer;
        writer = null;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        appenders.detachAndStopAllAppenders();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // What the writer cannot learn later on its own thread; the message is formatted there.
        event.getThreadName();
        event.getMDCPropertyMap();
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
            return;
        }
        if (queue.remainingCapacity() < queueSize / 2) {
            Thread thread = writer;
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        }
    }

    private void writeLoop() {
        List<ILoggingEvent> batch = new ArrayList<>();
        while (writer != null) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(maxDelayMillis));
            // An interrupt would make every later park return at once; only stop() ends this loop.
            Thread.interrupted();
            writeQueued(batch);
        }
        writeQueued(batch);
    }

    private void writeQueued(List<ILoggingEvent> batch) {
        while (queue.drainTo(batch) > 0) {
            for (ILoggingEvent event : batch) {
                appenders.appendLoopOnAppenders(event);
            }
            batch.clear();
        }
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            addWarn(lost + " events dropped by appender " + getName() + ": its writer fell " + queueSize
                    + " events behind");
        }
        flushFiles();
    }

    private void flushFiles() {
        for (Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> file && file.getOutputStream() != null) {
                try {
                    file.getOutputStream().flush();
                } catch (IOException e) {
                    addError("cannot flush appender " + file.getName(), e);
                }
            }
        }
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        appenders.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return appenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return appenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
