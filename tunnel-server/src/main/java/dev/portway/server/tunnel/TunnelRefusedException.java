package dev.portway.server.tunnel;

/** A tunnel could not be set up; the message is the reason the client shows to its user. */
public final class TunnelRefusedException extends Exception {
    public TunnelRefusedException(String reason) {
        super(reason);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
