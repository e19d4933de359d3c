package dev.portway.storage.db;

import dev.portway.storage.StorageUnavailableException;
import dev.portway.storage.change.ChangeBus;
import dev.portway.storage.change.ChangeEvent;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs JDBC work on the storage executor and completes a future with its result, so no caller thread (in particular
 * no event loop) ever blocks on the database. Failures arrive as {@link dev.portway.storage.StorageException}s.
 */
public final class Jdbc {
    private final DataSource dataSource;
    private final Executor executor;
    private final ChangeBus changes;

    Jdbc(DataSource dataSource, Executor executor, ChangeBus changes) {
        this.dataSource = dataSource;
        this.executor = executor;
        this.changes = changes;
    }

    /** Work in auto-commit mode: single statements and reads. */
    public <T> CompletableFuture<T> query(SqlWork<Connection, T> work) {
        return submit(ignored -> {
            try (Connection connection = dataSource.getConnection()) {
                return work.apply(connection);
            }
        });
    }

    /** Work in one transaction, committed if it returns and rolled back if it throws. */
    public <T> CompletableFuture<T> transaction(SqlWork<Tx, T> work) {
        return submit(ignored -> {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                Tx tx = new Tx(connection);
                T result;
                try {
                    result = work.apply(tx);
                    connection.commit();
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(connection, e);
                    throw e;
                }
                // No need to restore auto-commit: HikariCP resets it when the connection goes back to the pool.
                for (ChangeEvent event : tx.published()) {
                    changes.dispatch(event);
                }
                return result;
            }
        });
    }

    public ChangeBus changes() {
        return changes;
    }

    private <T> CompletableFuture<T> submit(SqlWork<Void, T> task) {
        CompletableFuture<T> future = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    future.complete(task.apply(null));
                } catch (SQLException e) {
                    future.completeExceptionally(SqlErrors.translate(e));
                } catch (RuntimeException | Error e) {
                    future.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(
                    new StorageUnavailableException("Storage is closed or its queue is full", e));
        }
        return future;
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
