package dev.portway.server.cli.admin;

/**
 * One request to the admin API.
 *
 * @param path starting with {@code /api/v1/}, path parameters already encoded
 * @param body JSON, or null for none
 */
record ApiCall(String method, String path, String body) {
}
