package dev.portway.admin.http;

import java.util.concurrent.CompletableFuture;

/**
 * Serves one route. May throw {@link dev.portway.admin.problem.ApiException} or complete exceptionally with it or
 * with a storage exception; the API turns either into a problem response.
 */
@FunctionalInterface
public interface Handler {
    CompletableFuture<AdminResponse> handle(Call call);
}
