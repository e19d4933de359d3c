package dev.portway.admin.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.portway.admin.problem.ApiException;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The one JSON mapper of the admin API. Reading is strict on purpose: operators want a typo ({@code "remotPort"}) or a
 * wrong type ({@code "remotePort": "80"}) rejected with the field named, not silently ignored or coerced.
 */
public final class Json {
    public static final ObjectMapper MAPPER = mapper();

    private Json() {
    }

    private static ObjectMapper mapper() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .build();
        // ALLOW_COERCION_OF_SCALARS stops "80" -> 80, but not 80 -> "80" or true -> "true".
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    /**
     * Parses a request body: 400 when it is empty, not JSON or not an object; 422 naming the field when a field is
     * unknown or has the wrong type.
     */
    public static <T> T read(byte[] body, Class<T> type) {
        if (body.length == 0) {
            throw ApiException.malformed("A JSON object is required as the request body");
        }
        T value;
        try {
            value = MAPPER.readValue(body, type);
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.invalid(path(e), "unknown field; expected one of " + e.getKnownPropertyIds());
        } catch (MismatchedInputException e) {
            String field = path(e);
            if (field.isEmpty()) {
                throw ApiException.malformed("Expected a JSON object");
            }
            throw ApiException.invalid(field, "wrong type for this field");
        } catch (JsonMappingException e) {
            throw ApiException.malformed("Cannot read the request body: " + e.getOriginalMessage());
        } catch (JacksonException e) {
            throw ApiException.malformed("Malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.malformed("Cannot read the request body");
        }
        if (value == null) {
            // A body of just "null" is valid JSON that Jackson maps to no object at all.
            throw ApiException.malformed("Expected a JSON object");
        }
        return value;
    }

    /** The top-level field names of a body that {@link #read} accepted. */
    public static Set<String> fieldNames(byte[] body) {
        Set<String> names = new HashSet<>();
        try {
            MAPPER.readTree(body).fieldNames().forEachRemaining(names::add);
        } catch (IOException e) {
            throw ApiException.malformed("Cannot read the request body");
        }
        return names;
    }

    /** The JSON path of a failure, as a field name an operator recognises: {@code customDomains[1]}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static AdminResponse response(int status, Object value) {
        return new AdminResponse(status, Map.of("Content-Type", AdminResponse.JSON), write(value));
    }

    public static AdminResponse response(int status, Object value, Map<String, String> extraHeaders) {
        Map<String, String> headers = new HashMap<>(extraHeaders);
        headers.put("Content-Type", AdminResponse.JSON);
        return new AdminResponse(status, headers, write(value));
    }

    /** Timestamps travel as ISO-8601 text ({@code 2025-01-31T12:00:00Z}), {@code null} when absent. */
    public static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
