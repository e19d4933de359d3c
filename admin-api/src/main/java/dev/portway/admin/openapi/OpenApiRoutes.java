package dev.portway.admin.openapi;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portway.admin.http.Access;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.PathTemplate;
import dev.portway.admin.http.QueryParam;
import dev.portway.admin.http.Route;
import dev.portway.admin.problem.Problem;
import dev.portway.admin.signin.SessionCookie;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /api/v1/openapi.json}: an OpenAPI 3.0 document generated from the same route table the router serves,
 * with schemas read from the request and response records. Rendered once, when the route table is complete.
 */
public final class OpenApiRoutes {
    private final String version;
    private volatile byte[] document;

    public OpenApiRoutes(String version) {
        this.version = version;
    }

    public List<Route> routes() {
        return List.of(Route.route("GET", "/api/v1/openapi.json", "openApi")
                .summary("This document")
                .access(Access.PUBLIC)
                .response(200, BodyShape.of(Object.class))
                .handler(call -> CompletableFuture.completedFuture(new AdminResponse(200,
                        Map.of("Content-Type", AdminResponse.JSON), document))));
    }

    /** Renders the document for the complete route table; must be called before the API serves requests. */
    public void describe(List<Route> routes) {
        document = Json.write(render(routes, version));
    }

    static ObjectNode render(List<Route> routes, String version) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("openapi", "3.0.3");
        ObjectNode info = root.putObject("info");
        info.put("title", "Portway admin API");
        info.put("version", version);
        info.put("description", "Errors are application/problem+json (RFC 9457); validation and conflict problems"
                + " name the request field in 'field'. Request bodies are read strictly: an unknown field is a 422 naming it. A user key reaches only its own user's resources (403 otherwise).");
        Map<String, Class<?>> schemas = new LinkedHashMap<>();
        schemas.put(Problem.class.getSimpleName(), Problem.class);
        ObjectNode paths = root.putObject("paths");
        for (Route route : routes) {
            ObjectNode path = paths.has(route.path().text()) ? (ObjectNode) paths.get(route.path().text())
                    : paths.putObject(route.path().text());
            path.set(route.method().toLowerCase(Locale.ROOT), operation(route, schemas));
        }
        ObjectNode components = root.putObject("components");
        ObjectNode securitySchemes = components.putObject("securitySchemes");
        securitySchemes.putObject("apiKey").put("type", "http").put("scheme", "bearer")
                .put("description", "An admin API key (pwk_...)");
        securitySchemes.putObject("sessionCookie").put("type", "apiKey").put("in", "cookie")
                .put("name", SessionCookie.NAME)
                .put("description", "The session cookie POST /api/v1/session sets; every method but GET also needs"
                        + " the header X-Portway-CSRF with the token returned at sign-in");
        ObjectNode schemaNodes = components.putObject("schemas");
        // Schemas discovered while describing one may add more; walk until none is new.
        Set<String> done = new TreeSet<>();
        while (done.size() < schemas.size()) {
            for (Map.Entry<String, Class<?>> entry : List.copyOf(schemas.entrySet())) {
                if (done.add(entry.getKey())) {
                    schemaNodes.set(entry.getKey(), recordSchema(entry.getValue(), schemas));
                }
            }
        }
        return root;
    }

    private static ObjectNode operation(Route route, Map<String, Class<?>> schemas) {
        ObjectNode operation = Json.MAPPER.createObjectNode();
        operation.put("operationId", route.operationId());
        operation.put("summary", route.summary());
        ArrayNode security = operation.putArray("security");
        if (route.access() != Access.PUBLIC) {
            security.addObject().putArray("apiKey");
            security.addObject().putArray("sessionCookie");
        }
        ArrayNode parameters = operation.putArray("parameters");
        for (String name : route.path().parameterNames()) {
            ObjectNode parameter = parameters.addObject();
            parameter.put("name", name).put("in", "path").put("required", true);
            if (PathTemplate.isIntegerParameter(name)) {
                parameter.putObject("schema").put("type", "integer").put("format", "int64").put("minimum", 1);
            } else {
                parameter.putObject("schema").put("type", "string");
            }
        }
        for (QueryParam query : route.query()) {
            ObjectNode parameter = parameters.addObject();
            parameter.put("name", query.name()).put("in", "query").put("required", false)
                    .put("description", query.description());
            ObjectNode schema = parameter.putObject("schema");
            if (query.text()) {
                schema.put("type", "string").put("maxLength", query.max());
                query.values().forEach(schema.withArray("enum")::add);
            } else {
                schema.put("type", "integer").put("minimum", query.min()).put("maximum", query.max());
                if (query.defaultValue() >= query.min() && query.defaultValue() <= query.max()) {
                    schema.put("default", query.defaultValue());
                }
            }
        }
        if (!route.request().isNone()) {
            ObjectNode body = operation.putObject("requestBody");
            body.put("required", true);
            body.putObject("content").putObject(AdminResponse.JSON).set("schema", shape(route.request(), schemas));
        }
        ObjectNode responses = operation.putObject("responses");
        ObjectNode success = responses.putObject(Integer.toString(route.successStatus()));
        success.put("description", route.successStatus() == 204 ? "Done" : "OK");
        if (!route.response().isNone()) {
            success.putObject("content").putObject(AdminResponse.JSON).set("schema", shape(route.response(), schemas));
        }
        Set<Integer> errors = new TreeSet<>(route.errors());
        if (route.access() != Access.PUBLIC) {
            errors.addAll(List.of(401, 403, 503));
        }
        for (int status : errors) {
            ObjectNode error = responses.putObject(Integer.toString(status));
            error.put("description", describe(status));
            if (status == 503 && route.access() == Access.PUBLIC) {
                // Readiness answers 503 with its own body, which says what is down.
                error.putObject("content").putObject(AdminResponse.JSON).set("schema", shape(route.response(), schemas));
            } else {
                error.putObject("content").putObject(AdminResponse.PROBLEM_JSON).putObject("schema")
                        .put("$ref", "#/components/schemas/Problem");
            }
        }
        return operation;
    }

    private static String describe(int status) {
        return switch (status) {
            case 400 -> "Malformed JSON";
            case 401 -> "No or unknown API key";
            case 403 -> "Wrong role, or the resource belongs to another user";
            case 404 -> "Unknown id";
            case 409 -> "A name, port or domain is already taken, or a plan is in use ('field' names it)";
            case 413 -> "Request body over 1 MiB";
            case 422 -> "Invalid or unknown field ('field' names it)";
            case 503 -> "The database is unavailable";
            default -> "Error";
        };
    }

    private static JsonNode shape(BodyShape shape, Map<String, Class<?>> schemas) {
        ObjectNode one = typeSchema(shape.type(), schemas);
        if (!shape.list()) {
            return one;
        }
        ObjectNode array = Json.MAPPER.createObjectNode();
        array.put("type", "array");
        array.set("items", one);
        return array;
    }

    private static ObjectNode recordSchema(Class<?> type, Map<String, Class<?>> schemas) {
        ObjectNode schema = Json.MAPPER.createObjectNode();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        for (RecordComponent component : type.getRecordComponents()) {
            properties.set(jsonName(component), javaTypeSchema(component.getGenericType(), schemas));
        }
        return schema;
    }

    /** The name Jackson reads and writes: {@code isDefault} is {@code default}, a keyword in Java. */
    private static String jsonName(RecordComponent component) {
        // @JsonProperty cannot target a record component; Java copies it to the accessor.
        JsonProperty renamed = component.getAccessor().getAnnotation(JsonProperty.class);
        return renamed != null && !renamed.value().isEmpty() ? renamed.value() : component.getName();
    }

    private static JsonNode javaTypeSchema(Type type, Map<String, Class<?>> schemas) {
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == List.class) {
            ObjectNode array = Json.MAPPER.createObjectNode();
            array.put("type", "array");
            array.set("items", javaTypeSchema(parameterized.getActualTypeArguments()[0], schemas));
            return array;
        }
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == Map.class
                && parameterized.getActualTypeArguments()[0] == String.class) {
            ObjectNode object = Json.MAPPER.createObjectNode();
            object.put("type", "object");
            object.set("additionalProperties", javaTypeSchema(parameterized.getActualTypeArguments()[1], schemas));
            return object;
        }
        if (type instanceof Class<?> cls) {
            return typeSchema(cls, schemas);
        }
        throw new IllegalArgumentException("no schema for " + type);
    }

    private static ObjectNode typeSchema(Class<?> type, Map<String, Class<?>> schemas) {
        ObjectNode schema = Json.MAPPER.createObjectNode();
        if (type == String.class) {
            schema.put("type", "string");
        } else if (type == int.class || type == Integer.class) {
            schema.put("type", "integer").put("format", "int32");
        } else if (type == long.class || type == Long.class) {
            schema.put("type", "integer").put("format", "int64");
        } else if (type == double.class || type == Double.class) {
            schema.put("type", "number").put("format", "double");
        } else if (type == boolean.class || type == Boolean.class) {
            schema.put("type", "boolean");
        } else if (type == Object.class || JsonNode.class.isAssignableFrom(type)) {
            schema.put("type", "object");
        } else if (type.isRecord()) {
            Class<?> known = schemas.putIfAbsent(type.getSimpleName(), type);
            if (known != null && known != type) {
                throw new IllegalStateException("two schemas named " + type.getSimpleName());
            }
            schema.put("$ref", "#/components/schemas/" + type.getSimpleName());
        } else {
            throw new IllegalArgumentException("no schema mapping for " + type.getName());
        }
        return schema;
    }
}
