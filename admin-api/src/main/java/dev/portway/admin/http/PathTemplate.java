package dev.portway.admin.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A path such as {@code /api/v1/users/{id}/tokens}: literal segments and named single-segment parameters. By
 * convention a parameter named {@code id} is a positive integer (read with {@link Call#idParameter}); any other name
 * is a string. The OpenAPI document relies on that convention.
 */
public record PathTemplate(String text, List<String> segments) {
    public static PathTemplate parse(String text) {
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("path template must start with /: " + text);
        }
        return new PathTemplate(text, List.of(text.substring(1).split("/", -1)));
    }

    public List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        for (String segment : segments) {
            if (isParameter(segment)) {
                names.add(segment.substring(1, segment.length() - 1));
            }
        }
        return names;
    }

    /** The parameter values when {@code path} has this shape; an empty segment never matches a parameter. */
    public Optional<Map<String, String>> match(String path) {
        if (!path.startsWith("/")) {
            return Optional.empty();
        }
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String segment = segments.get(i);
            if (isParameter(segment)) {
                if (parts[i].isEmpty()) {
                    return Optional.empty();
                }
                values.put(segment.substring(1, segment.length() - 1), parts[i]);
            } else if (!segment.equals(parts[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(values);
    }

    public static boolean isIntegerParameter(String name) {
        return name.equals("id");
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }
}
