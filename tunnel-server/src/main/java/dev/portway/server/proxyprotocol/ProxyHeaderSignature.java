package dev.portway.server.proxyprotocol;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Recognises the start of a PROXY protocol header (v1 text or v2 binary) from as few bytes as have arrived.
 * Netty's own detection waits for 12 bytes even when the first one already rules a header out, which would hold
 * back a short first message of any other protocol.
 */
enum ProxyHeaderSignature {
    /** The bytes so far could still be a header. */
    INCOMPLETE,
    HEADER,
    NOT_A_HEADER;

    private static final byte[] V1 = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2 = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    static ProxyHeaderSignature of(ByteBuf bytes) {
        ProxyHeaderSignature v1 = match(bytes, V1);
        return v1 != NOT_A_HEADER ? v1 : match(bytes, V2);
    }

    private static ProxyHeaderSignature match(ByteBuf bytes, byte[] signature) {
        int n = Math.min(bytes.readableBytes(), signature.length);
        for (int i = 0; i < n; i++) {
            if (bytes.getByte(bytes.readerIndex() + i) != signature[i]) {
                return NOT_A_HEADER;
            }
        }
        return n == signature.length ? HEADER : INCOMPLETE;
    }
}
