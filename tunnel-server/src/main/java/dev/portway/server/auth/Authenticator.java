package dev.portway.server.auth;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Turns a client token into a principal. Asynchronous because a database-backed implementation must never block
 * the event loop that asks.
 */
public interface Authenticator {
    CompletionStage<Optional<Principal>> authenticate(String token);
}
