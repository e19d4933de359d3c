package dev.portway.protocol.mux;

/**
 * The receive windows of all streams on one connection, added up. Every stream gets its initial window;
 * growth beyond it is granted only while the total stays within the budget, which bounds what one connection
 * may have buffered for its peer. Not thread-safe: owned by the session's event loop.
 */
final class WindowBudget {
    private final long limit;
    private long committed;

    WindowBudget(long limit) {
        this.limit = limit;
    }

    void reserveInitial(int window) {
        committed += window;
    }

    /** Grants up to {@code wanted} more bytes of window; 0 once the budget is spent. */
    int tryGrow(int wanted) {
        long granted = Math.min(wanted, limit - committed);
        if (granted <= 0) {
            return 0;
        }
        committed += granted;
        return (int) granted;
    }

    void release(int window) {
        committed -= window;
    }

    long committed() {
        return committed;
    }
}
