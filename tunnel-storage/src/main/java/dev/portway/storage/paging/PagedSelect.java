package dev.portway.storage.paging;

import dev.portway.storage.db.SqlWork;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link ListQuery} over one table: a count of the matching rows and the page itself, in PostgreSQL, so a
 * list of any length is never loaded whole.
 *
 * @param from      {@code FROM ...} with its alias, e.g. {@code FROM users u}
 * @param scope     a condition every row must meet with one bound parameter (an owner id), or null
 * @param searched  the text columns {@link ListQuery#contains} looks in
 * @param columns   sort field name → column
 */
public record PagedSelect<T>(String select, String from, String scope, List<String> searched,
                             Map<String, String> columns, String idColumn, RowReader<T> reader) {
    /** Reads one row of the page. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    public SqlWork<Connection, Page<T>> page(ListQuery query, Object scopeValue) {
        return c -> {
            List<String> conditions = new ArrayList<>();
            List<Object> parameters = new ArrayList<>();
            if (scope != null) {
                conditions.add(scope);
                parameters.add(scopeValue);
            }
            if (query.contains() != null && !query.contains().isEmpty()) {
                conditions.add("(" + String.join(" OR ", searched.stream().map(col -> col + " ILIKE ?").toList()) + ")");
                searched.forEach(col -> parameters.add(query.likePattern()));
            }
            String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
            long total;
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) " + from + where)) {
                bind(s, parameters);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<T> items = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(select + " " + from + where
                    + query.orderAndPage(columns, idColumn))) {
                bind(s, parameters);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        items.add(reader.read(rs));
                    }
                }
            }
            return new Page<>(items, total);
        };
    }

    private static void bind(PreparedStatement s, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            s.setObject(i + 1, parameters.get(i));
        }
    }
}
