package dev.portway.server.https;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * A TLS alert record written before any TLS session exists, so that a refused client reports a TLS error ("unrecognized
 * name") instead of a bare connection reset.
 */
final class TlsAlerts {
    private static final byte CONTENT_TYPE_ALERT = 21;
    /** Record version TLS 1.0: what a server may use before a version was negotiated (RFC 8446, 5.1). */
    private static final short LEGACY_RECORD_VERSION = 0x0301;
    private static final byte LEVEL_FATAL = 2;
    /** RFC 6066, 3: the server does not recognise the name the client sent in SNI. */
    static final byte UNRECOGNIZED_NAME = 112;

    private TlsAlerts() {
    }

    /** A fatal alert record with {@code description}; the caller owns the buffer. */
    static ByteBuf fatal(ByteBufAllocator alloc, byte description) {
        ByteBuf record = alloc.buffer(7);
        record.writeByte(CONTENT_TYPE_ALERT)
                .writeShort(LEGACY_RECORD_VERSION)
                .writeShort(2)
                .writeByte(LEVEL_FATAL)
                .writeByte(description);
        return record;
    }
}
