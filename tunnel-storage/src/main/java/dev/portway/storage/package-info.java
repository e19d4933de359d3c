/**
 * Portway's persistent state: PostgreSQL (embedded by default) behind plain JDBC repositories whose methods return
 * {@link java.util.concurrent.CompletableFuture}s completed on a small storage executor, never on the caller's thread,
 * so a Netty event loop can call them. Entry points: {@link dev.portway.storage.db.Database#start} and
 * {@link dev.portway.storage.Storage#open}.
 */
package dev.portway.storage;
