package dev.portway.admin.problem;

import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.Json;
import dev.portway.storage.ConflictException;
import dev.portway.storage.NotFoundException;
import dev.portway.storage.StorageUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns whatever a request ended with into a problem response; the single place that maps exceptions to statuses. */
public final class Problems {
    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    public static ApiException toApiException(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ApiException api) {
            return api;
        }
        if (cause instanceof ConflictException conflict) {
            return ApiException.conflict(conflict.field(), conflict.getMessage());
        }
        if (cause instanceof NotFoundException) {
            // The storage message names table and id ("tunnel 7"), which is what the caller asked about anyway.
            return ApiException.notFound(cause.getMessage());
        }
        if (cause instanceof StorageUnavailableException) {
            log.warn("Admin API request failed, storage unavailable: {}", cause.getMessage());
            return ApiException.unavailable("The database is unavailable; retry later");
        }
        log.error("Admin API request failed unexpectedly", cause);
        return new ApiException(ProblemType.INTERNAL, "Unexpected error; see the server log", null, Map.of());
    }

    public static AdminResponse response(Throwable failure) {
        return response(toApiException(failure));
    }

    public static AdminResponse response(ApiException e) {
        Map<String, String> headers = new HashMap<>(e.headers());
        headers.put("Content-Type", AdminResponse.PROBLEM_JSON);
        return new AdminResponse(e.type().status(), headers, Json.write(e.problem()));
    }

    /** The failure inside the wrappers futures add (CompletionException, ExecutionException). */
    public static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
