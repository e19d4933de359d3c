package dev.portway.admin.http;

/**
 * A response body produced over time (Server-Sent Events), independent of the transport. The transport writes the
 * status and headers, then calls {@link #start} once with a sink for the chunks, and {@link #stop} once when the
 * connection is gone, however it ended.
 */
public interface ResponseStream {
    void start(Sink sink);

    /** Any thread; after it returns, nothing more is sent to the sink. */
    void stop();

    /**
     * Where the chunks go. Threading: any thread, never blocking. A peer that does not keep up is not buffered for
     * without bound: {@link #send} then returns false and the transport closes the connection.
     */
    interface Sink {
        /** Queues one chunk; false when the connection is closed or being closed because its reader is too slow. */
        boolean send(byte[] chunk);

        /** Ends the body after what was queued, and the connection with it; {@link #stop} follows. */
        void end();
    }
}
