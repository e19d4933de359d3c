package dev.portway.protocol.mux;

/** Which end of the carrier a session is. Each side opens streams from its own half of the id space. */
public enum Role {
    /** Opens odd stream ids. */
    CLIENT(1),
    /** Opens even stream ids. */
    SERVER(2);

    private final int firstStreamId;

    Role(int firstStreamId) {
        this.firstStreamId = firstStreamId;
    }

    int firstStreamId() {
        return firstStreamId;
    }

    boolean owns(int streamId) {
        return (streamId & 1) == (firstStreamId & 1);
    }
}
