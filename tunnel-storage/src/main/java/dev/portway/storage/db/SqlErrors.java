package dev.portway.storage.db;

import dev.portway.storage.ConflictException;
import dev.portway.storage.NotFoundException;
import dev.portway.storage.StorageException;
import dev.portway.storage.StorageUnavailableException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;

/** Maps JDBC failures to the storage exceptions callers handle; the SQL state decides, never the message text. */
final class SqlErrors {
    /** Unique constraints by name (see the migrations) → the field an API client would change. */
    private static final Map<String, String> UNIQUE_FIELDS = Map.ofEntries(
            Map.entry("users_name_key", "name"),
            Map.entry("client_tokens_hash_key", "token"),
            Map.entry("api_keys_hash_key", "apiKey"),
            Map.entry("tunnels_owner_name_key", "name"),
            Map.entry("tunnels_remote_port_key", "remotePort"),
            Map.entry("tunnels_subdomain_key", "subdomain"),
            Map.entry("tunnel_domains_pkey", "customDomains"),
            Map.entry("sessions_pkey", "sessionId"),
            Map.entry("claims_pkey", "name"),
            Map.entry("plans_name_key", "name"),
            // Two transactions making different plans the default at once: the loser's mark collides.
            Map.entry("plans_one_default", "default"));

    private SqlErrors() {
    }

    static StorageException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (e instanceof SQLTransientConnectionException || state.startsWith("08") || state.equals("57P01")
                || state.equals("57P02") || state.equals("57P03") || state.equals("53300")) {
            return new StorageUnavailableException("Database unavailable: " + e.getMessage(), e);
        }
        if (state.equals("23505")) {
            String constraint = constraint(e);
            return new ConflictException(UNIQUE_FIELDS.getOrDefault(constraint, constraint), e);
        }
        if (state.equals("23503")) {
            return new NotFoundException("Referenced row does not exist (" + constraint(e) + ")", e);
        }
        return new StorageException("Database error " + state + ": " + e.getMessage(), e);
    }

    /** Batches wrap the server's error in a BatchUpdateException, hence the walk along the chain. */
    private static String constraint(SQLException e) {
        for (SQLException current = e; current != null; current = current.getNextException()) {
            if (current instanceof PSQLException psql) {
                ServerErrorMessage message = psql.getServerErrorMessage();
                if (message != null && message.getConstraint() != null) {
                    return message.getConstraint();
                }
            }
        }
        return "unknown";
    }
}
