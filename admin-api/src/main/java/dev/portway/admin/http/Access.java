package dev.portway.admin.http;

/** Who may call a route at all; ownership of the resource is checked by the handler, which knows the owner. */
public enum Access {
    /** Probes and the API description: no key. */
    PUBLIC,
    /** Any valid key; the handler limits a {@code user} key to its own resources. */
    AUTHENTICATED,
    /** Only {@code admin} keys. */
    ADMIN
}
