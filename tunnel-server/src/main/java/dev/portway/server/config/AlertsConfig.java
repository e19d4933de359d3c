package dev.portway.server.config;

/** The server's own alert evaluation and where its notifications go. */
public record AlertsConfig() {
    public static final AlertsConfig NONE = new AlertsConfig();
}
