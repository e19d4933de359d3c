package dev.portway.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

import java.util.Iterator;
import java.util.Map;

/**
 * Writes HTTP/1.x heads (start line, header fields, empty line) as bytes, for requests towards local services and
 * their answers towards public peers alike. Names and values are written as the decoders read them, one byte per
 * character (ISO-8859-1).
 *
 * <p>Threading: stateless.
 */
final class MessageHeads {
    private static final short CRLF = ('\r' << 8) | '\n';
    private static final short COLON_SPACE = (':' << 8) | ' ';

    private MessageHeads() {
    }

    static void writeRequestHead(ByteBuf out, HttpRequest request) {
        ByteBufUtil.writeAscii(out, request.method().asciiName());
        out.writeByte(' ');
        // Byte for byte as the public decoder read it (one character per byte).
        String uri = request.uri();
        ByteBufUtil.writeAscii(out, uri.isEmpty() ? "/" : uri);
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, request.protocolVersion().text());
        out.writeShort(CRLF);
        writeFields(out, request.headers());
        out.writeShort(CRLF);
    }

    static void writeResponseHead(ByteBuf out, HttpResponse response) {
        ByteBufUtil.writeAscii(out, response.protocolVersion().text());
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, response.status().codeAsText());
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, response.status().reasonPhrase());
        out.writeShort(CRLF);
        writeFields(out, response.headers());
        out.writeShort(CRLF);
    }

    /** Header or trailer fields, each ending in CRLF. */
    static void writeFields(ByteBuf out, HttpHeaders headers) {
        Iterator<Map.Entry<CharSequence, CharSequence>> fields = headers.iteratorCharSequence();
        while (fields.hasNext()) {
            Map.Entry<CharSequence, CharSequence> field = fields.next();
            ByteBufUtil.writeAscii(out, field.getKey());
            out.writeShort(COLON_SPACE);
            ByteBufUtil.writeAscii(out, field.getValue());
            out.writeShort(CRLF);
        }
    }
}
