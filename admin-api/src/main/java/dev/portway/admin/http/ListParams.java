package dev.portway.admin.http;

import dev.portway.storage.paging.ListQuery;
import dev.portway.storage.paging.Page;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The paging, sorting and filtering query parameters every long list takes ({@code limit}, {@code offset},
 * {@code sort}, {@code q}), read into a storage {@link ListQuery}; the answer stays a JSON array of the page, with
 * the number of matching rows in {@code X-Total-Count}. Without {@code limit} a list is answered whole, as before
 * paging existed.
 */
public final class ListParams {
    public static final String TOTAL_HEADER = "X-Total-Count";
    public static final QueryParam LIMIT = new QueryParam("limit", 1, 1000, 0,
            "Rows per page; absent: every row (the newest 100 for the audit log)");
    public static final QueryParam OFFSET = new QueryParam("offset", 0, Integer.MAX_VALUE, 0,
            "Rows to skip, for the pages after the first");
    public static final QueryParam FILTER = QueryParam.text("q", 200, List.of(),
            "Only rows whose text fields contain this, ignoring case");

    private final QueryParam sort;
    private final String defaultSort;
    private final int defaultLimit;

    /**
     * @param fields       the fields the list sorts by; {@code sort=name} ascending, {@code sort=-name} descending
     * @param defaultSort  the order without {@code sort}, in the same spelling
     * @param defaultLimit rows without {@code limit}; 0: every row
     */
    public ListParams(Iterable<String> fields, String defaultSort, int defaultLimit) {
        List<String> values = new ArrayList<>();
        fields.forEach(field -> {
            values.add(field);
            values.add("-" + field);
        });
        values.sort(null);
        this.sort = QueryParam.text("sort", 64, values, "Order of the rows: a field, or -field for descending");
        this.defaultSort = defaultSort;
        this.defaultLimit = defaultLimit;
    }

    public QueryParam[] parameters() {
        return new QueryParam[] {LIMIT, OFFSET, sort, FILTER};
    }

    public ListQuery read(Call call) {
        String order = call.textQuery(sort);
        String field = order == null ? defaultSort : order;
        boolean descending = field.startsWith("-");
        int limit = call.request().query().containsKey(LIMIT.name()) ? call.intQuery(LIMIT) : defaultLimit;
        return new ListQuery(call.textQuery(FILTER), descending ? field.substring(1) : field, descending, limit,
                call.intQuery(OFFSET));
    }

    public static <T, V> AdminResponse response(Page<T> page, Function<T, V> view) {
        return Json.response(200, page.items().stream().map(view).toList(),
                Map.of(TOTAL_HEADER, Long.toString(page.total())));
    }
}
