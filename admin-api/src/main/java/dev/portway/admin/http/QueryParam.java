package dev.portway.admin.http;

/** An optional integer query parameter, documented in the OpenAPI document; handlers read it with {@link Call#intQuery}. */
public record QueryParam(String name, int min, int max, int defaultValue, String description) {
}
