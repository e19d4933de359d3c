package dev.portway.storage.db;

import dev.portway.storage.change.ChangeBus;
import dev.portway.storage.change.ChangeEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A transaction in progress: its connection, and the change events to deliver once it commits. */
public final class Tx {
    private final Connection connection;
    private final List<ChangeEvent> published = new ArrayList<>();

    Tx(Connection connection) {
        this.connection = connection;
    }

    public Connection connection() {
        return connection;
    }

    /** Other nodes hear of it by NOTIFY at commit; this node's caches right after commit. */
    public void publish(ChangeEvent event) throws SQLException {
        ChangeBus.notifyOthers(connection, event);
        published.add(event);
    }

    List<ChangeEvent> published() {
        return published;
    }
}
