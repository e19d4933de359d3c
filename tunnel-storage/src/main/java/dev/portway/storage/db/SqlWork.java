package dev.portway.storage.db;

import java.sql.SQLException;

/** A unit of JDBC work that may throw {@link SQLException}; {@link Jdbc} translates what it throws. */
@FunctionalInterface
public interface SqlWork<C, T> {
    T apply(C context) throws SQLException;
}
