package dev.portway.server.config;

import java.util.List;

/**
 * Server-wide address rules, on top of each tunnel's own {@code ipAllow} / {@code ipDeny}.
 *
 * @param deny         networks refused on every public listener and on the control port: TCP closed, HTTP 403,
 *                     UDP dropped, control connections closed at accept
 * @param controlAllow networks clients may connect from; empty: any
 */
public record AccessConfig(List<String> deny, List<String> controlAllow) {
    public static final AccessConfig NONE = new AccessConfig(List.of(), List.of());

    public AccessConfig {
        deny = deny == null ? List.of() : List.copyOf(deny);
        controlAllow = controlAllow == null ? List.of() : List.copyOf(controlAllow);
    }
}
