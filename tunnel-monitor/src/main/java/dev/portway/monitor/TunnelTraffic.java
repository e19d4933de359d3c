package dev.portway.monitor;

/** Byte counters of one tunnel and user; safe to call from any thread, per chunk of bytes. */
public interface TunnelTraffic {
    TunnelTraffic NOOP = new TunnelTraffic() {
        @Override
        public void bytesIn(long bytes) {
        }

        @Override
        public void bytesOut(long bytes) {
        }
    };

    /** Bytes from the public peer towards the local service. */
    void bytesIn(long bytes);

    /** Bytes from the local service towards the public peer. */
    void bytesOut(long bytes);
}
