package dev.portway.admin.claims;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DNS server on loopback UDP that answers TXT questions from a table and NXDOMAIN for anything else: just enough of
 * RFC 1035 for a real resolver to read a domain proof.
 */
final class DnsStub implements AutoCloseable {
    private final DatagramSocket socket;
    private final Map<String, List<String>> records = new ConcurrentHashMap<>();
    private final Thread thread;

    DnsStub() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "dns-stub");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    void txt(String name, String... texts) {
        records.put(name.toLowerCase(), List.of(texts));
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket query = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(query);
                byte[] answer = answer(buffer, query.getLength());
                socket.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private byte[] answer(byte[] query, int length) {
        StringBuilder name = new StringBuilder();
        int at = 12;
        while (query[at] != 0) {
            int label = query[at] & 0xff;
            name.append(name.length() == 0 ? "" : ".").append(new String(query, at + 1, label, StandardCharsets.US_ASCII));
            at += label + 1;
        }
        int questionEnd = at + 5;
        List<String> texts = records.get(name.toString().toLowerCase());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(query[0]);
        out.write(query[1]);
        out.write(0x81);
        out.write(texts == null ? 0x83 : 0x80);
        writeShort(out, 1);
        writeShort(out, texts == null ? 0 : texts.size());
        writeShort(out, 0);
        writeShort(out, 0);
        out.write(query, 12, questionEnd - 12);
        for (String text : texts == null ? List.<String>of() : texts) {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            writeShort(out, 0xc00c);
            writeShort(out, 16);
            writeShort(out, 1);
            writeShort(out, 0);
            writeShort(out, 60);
            writeShort(out, bytes.length + 1);
            out.write(bytes.length);
            out.write(bytes, 0, bytes.length);
        }
        return out.toByteArray();
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value & 0xff);
    }

    @Override
    public void close() {
        socket.close();
    }
}
