package dev.portway.storage.db;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run JDBC. Sized like the pool (a thread without a connection would only wait) and with a bounded
 * queue: when the database hangs, callers get {@link dev.portway.storage.StorageUnavailableException} quickly instead
 * of an ever-growing backlog.
 */
final class StorageExecutor {
    private static final int QUEUE_CAPACITY = 10_000;

    private StorageExecutor() {
    }

    static ExecutorService create(int threads) {
        AtomicInteger counter = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE_CAPACITY), runnable -> {
                    Thread thread = new Thread(runnable, "portway-storage-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}
