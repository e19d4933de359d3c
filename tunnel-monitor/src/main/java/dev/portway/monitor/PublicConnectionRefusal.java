package dev.portway.monitor;

/** Why a public connection to a tunnel was closed without reaching its client. */
public enum PublicConnectionRefusal {
    /** The tunnel's client is gone (its port is kept while a reconnect may take it over). */
    CLIENT_OFFLINE,
    /** The client's session refused or failed to open the stream. */
    STREAM_FAILED,
    /** A limit of the tunnel's user or plan, such as the streams one user may have open ({@code limits.streamsPerUser}). */
    LIMIT,
    /** Too many connections from the peer's address to the web listeners ({@code limits.connectionsPerSource}). */
    SOURCE_LIMIT,
    /** The peer's address is refused by the tunnel's {@code ipAllow}/{@code ipDeny} or the server's {@code access.deny}. */
    IP_DENIED;

    public String label() {
        return LabelValue.of(this);
    }
}
