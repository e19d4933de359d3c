package dev.portway.admin.http;

/**
 * The JSON a route reads or writes, for the OpenAPI document: one record, a list of records, or nothing.
 *
 * @param type a record class, or {@code null} for no body
 */
public record BodyShape(Class<?> type, boolean list) {
    public static final BodyShape NONE = new BodyShape(null, false);

    public static BodyShape of(Class<?> type) {
        return new BodyShape(type, false);
    }

    public static BodyShape listOf(Class<?> type) {
        return new BodyShape(type, true);
    }

    public boolean isNone() {
        return type == null;
    }
}
