package dev.portway.server.https;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the protocols of the ALPN extension (RFC 7301) from a ClientHello, as {@link SniRouter} receives it: from
 * the client version on, after the record and handshake headers. Every length is checked against what is there;
 * a malformed hello yields no protocols, and the TLS handler that follows reports it.
 */
final class ClientHelloAlpn {
    private static final int EXTENSION_ALPN = 16;
    /** client_version (2) and random (32). */
    private static final int FIXED_PREFIX = 34;

    private ClientHelloAlpn() {
    }

    /** The protocols offered, in the client's order; empty when there is no ALPN extension or it is malformed. */
    static List<String> protocols(ByteBuf hello) {
        int offset = hello.readerIndex() + FIXED_PREFIX;
        int end = hello.writerIndex();
        offset = skipVector(hello, offset, end, 1);
        offset = skipVector(hello, offset, end, 2);
        offset = skipVector(hello, offset, end, 1);
        if (offset < 0 || offset + 2 > end) {
            return List.of();
        }
        int extensionsEnd = Math.min(end, offset + 2 + hello.getUnsignedShort(offset));
        offset += 2;
        while (offset + 4 <= extensionsEnd) {
            int type = hello.getUnsignedShort(offset);
            int length = hello.getUnsignedShort(offset + 2);
            offset += 4;
            if (offset + length > extensionsEnd) {
                return List.of();
            }
            if (type == EXTENSION_ALPN) {
                return protocolList(hello, offset, offset + length);
            }
            offset += length;
        }
        return List.of();
    }

    private static List<String> protocolList(ByteBuf hello, int offset, int end) {
        if (offset + 2 > end || offset + 2 + hello.getUnsignedShort(offset) != end) {
            return List.of();
        }
        List<String> protocols = new ArrayList<>();
        offset += 2;
        while (offset < end) {
            int length = hello.getUnsignedByte(offset++);
            if (length == 0 || offset + length > end) {
                return List.of();
            }
            protocols.add(hello.toString(offset, length, StandardCharsets.US_ASCII));
            offset += length;
        }
        return protocols;
    }

    /** The offset after a vector whose length takes {@code lengthBytes}; -1 when it runs past {@code end}. */
    private static int skipVector(ByteBuf hello, int offset, int end, int lengthBytes) {
        if (offset < 0 || offset + lengthBytes > end) {
            return -1;
        }
        int length = lengthBytes == 1 ? hello.getUnsignedByte(offset) : hello.getUnsignedShort(offset);
        int next = offset + lengthBytes + length;
        return next > end ? -1 : next;
    }
}
