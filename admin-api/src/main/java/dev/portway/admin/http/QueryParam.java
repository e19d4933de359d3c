package dev.portway.admin.http;

import java.util.List;

/**
 * An optional query parameter, documented in the OpenAPI document: an integer from {@code min} to {@code max}
 * (handlers read it with {@link Call#intQuery}), or a text of at most {@code max} characters, one of {@code values}
 * when those are given ({@link Call#textQuery}).
 *
 * @param defaultValue an integer's value when absent; outside {@code min..max} it means "no value" and is not
 *                     documented as a default
 */
public record QueryParam(String name, boolean text, int min, int max, int defaultValue, List<String> values,
                         String description) {
    public QueryParam {
        values = List.copyOf(values);
    }

    /** An integer parameter. */
    public QueryParam(String name, int min, int max, int defaultValue, String description) {
        this(name, false, min, max, defaultValue, List.of(), description);
    }

    /** A text parameter of at most {@code maxLength} characters; {@code values} non-empty: only those. */
    public static QueryParam text(String name, int maxLength, List<String> values, String description) {
        return new QueryParam(name, true, 0, maxLength, 0, values, description);
    }
}
