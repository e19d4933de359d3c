package dev.portway.protocol.mux;

/**
 * The receive side of one stream's flow control. The peer may send {@link #available()} more bytes; bytes the
 * consumer drains are handed back as credit in batches of half a window.
 *
 * <p>The window grows (doubling, up to the maximum and within the connection budget) when the sender reports
 * it ran out of credit while this side's consumer had kept up: then the window, not the consumer, was what
 * limited the stream, which is what happens on a link with a large bandwidth-delay product. A slow consumer
 * leaves its bytes unconsumed, so its window never grows and its buffered bytes stay within the window.
 *
 * <p>Not thread-safe: owned by the session's event loop.
 */
final class StreamWindow {
    private final WindowBudget budget;
    private final int maxWindow;
    private int window;
    private int available;
    private int unconsumed;
    private int unreturned;
    private boolean senderStarved;

    StreamWindow(int initialWindow, int maxWindow, WindowBudget budget) {
        this.budget = budget;
        this.maxWindow = maxWindow;
        this.window = initialWindow;
        this.available = initialWindow;
        budget.reserveInitial(initialWindow);
    }

    /**
     * Accounts for a DATA frame; false when it goes beyond the credit granted, a flow-control violation.
     *
     * @param senderStarved the sender still had bytes when this frame used up its credit
     */
    boolean onData(int bytes, boolean senderStarved) {
        if (bytes > available) {
            return false;
        }
        // Starvation counts only when the consumer had kept up when it was reported: a sender also starves
        // behind a slow consumer, and growing that window would only buffer more for a reader that cannot keep up.
        this.senderStarved |= senderStarved && unconsumed <= window / 4;
        available -= bytes;
        unconsumed += bytes;
        return true;
    }

    /** Accounts for bytes the consumer drained; returns the credit to send in WINDOW_UPDATE, or 0 for none yet. */
    int onConsumed(int bytes) {
        int drained = Math.min(bytes, unconsumed);
        unconsumed -= drained;
        unreturned += drained;
        if (senderStarved && unconsumed <= window / 4) {
            senderStarved = false;
            int extra = budget.tryGrow(Math.min(window, maxWindow - window));
            window += extra;
            unreturned += extra;
        }
        if (unreturned < window / 2) {
            return 0;
        }
        int credit = unreturned;
        unreturned = 0;
        available += credit;
        return credit;
    }

    void release() {
        budget.release(window);
    }

    int window() {
        return window;
    }

    int available() {
        return available;
    }

    /** Bytes received and not yet drained: what this stream holds in memory. */
    int unconsumed() {
        return unconsumed;
    }
}
