package dev.portway.storage.paging;

import java.util.Map;

/**
 * One page of a list, as the admin API asks for it: rows whose text contains {@code contains} (case-insensitive;
 * null: all), ordered by {@code sort} (a field name the repository maps to a column; ties broken by id), and
 * {@code limit} rows from {@code offset}.
 *
 * @param limit 0: every row from {@code offset} on
 */
public record ListQuery(String contains, String sort, boolean descending, int limit, int offset) {
    public static final ListQuery ALL = new ListQuery(null, "id", false, 0, 0);

    public ListQuery {
        if (limit < 0 || offset < 0) {
            throw new IllegalArgumentException("limit and offset are 0 or more");
        }
    }

    /** {@code ORDER BY ... LIMIT ... OFFSET ...} for this query, the sort field mapped through {@code columns}. */
    String orderAndPage(Map<String, String> columns, String idColumn) {
        String column = columns.get(sort);
        if (column == null) {
            throw new IllegalArgumentException("cannot sort by " + sort + "; expected one of " + columns.keySet());
        }
        String direction = descending ? " DESC" : " ASC";
        return " ORDER BY " + column + direction + ", " + idColumn + direction
                + (limit > 0 ? " LIMIT " + limit : "") + " OFFSET " + offset;
    }

    /** The LIKE pattern of {@link #contains}, with LIKE's own wildcards taken literally. */
    String likePattern() {
        return "%" + contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
