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
    static final short CRLF = ('\r' << 8) | '\n';
    private static final short COLON_SPACE = (':' << 8) | ' ';

    private MessageHeads() {
    }

    static void writeRequestHead(ByteBuf out, HttpRequest request) {
        // Byte for byte as the public decoder read it (one character per byte).
        String uri = request.uri();
        writeHead(out, request.method().asciiName(), uri.isEmpty() ? "/" : uri, request.protocolVersion().text(),
                request.headers());
    }

    static void writeResponseHead(ByteBuf out, HttpResponse response) {
        writeHead(out, response.protocolVersion().text(), response.status().codeAsText(),
                response.status().reasonPhrase(), response.headers());
    }

    /** A start line of three parts, the fields and the blank line. */
    private static void writeHead(ByteBuf out, CharSequence first, CharSequence second, CharSequence third,
                                  HttpHeaders headers) {
        ByteBufUtil.writeAscii(out, first);
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, second);
        out.writeByte(' ');
        ByteBufUtil.writeAscii(out, third);
        out.writeShort(CRLF);
        writeFields(out, headers);
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
