package dev.portway.server.acme;

import dev.portway.admin.claims.DnsTxtLookup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * Checks that a name reaches this server before a certificate is ordered for it, so that a mistyped DNS record does
 * not spend the CA's rate limits: publishes a random answer on the HTTP-01 path (on every node of the database, as an
 * order's answer), looks the name up, and fetches {@code http://<name>:<port>/.well-known/acme-challenge/<token>}
 * from each of its addresses (at most {@link #MAX_ADDRESSES}) as the CA would. The name passes when one address
 * returns the answer. Redirects are not followed.
 *
 * <p>Bounds: the whole probe of one address takes at most {@code timeout} (connect, write, read), and at most
 * {@link #MAX_RESPONSE_BYTES} of its answer are read: a longer answer fails the probe.
 *
 * <p>Threading: blocks; run on the ACME thread only.
 */
public final class DomainProbe {
    static final int MAX_RESPONSE_BYTES = 8 * 1024;
    static final int MAX_ADDRESSES = 4;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The addresses a name resolves to. */
    @FunctionalInterface
    public interface AddressLookup {
        List<InetAddress> addresses(String name) throws Exception;
    }

    /** Thrown when the name does not reach this server; the message says what came back instead. */
    public static final class ProbeFailedException extends Exception {
        ProbeFailedException(String message) {
            super(message, null, false, false);
        }
    }

    private final PendingChallenges challenges;
    private final CertificateStore store;
    private final AddressLookup lookup;
    private final int port;
    private final Duration timeout;

    public DomainProbe(PendingChallenges challenges, CertificateStore store, AddressLookup lookup, int port,
                       Duration timeout) {
        this.challenges = challenges;
        this.store = store;
        this.lookup = lookup;
        this.port = port;
        this.timeout = timeout;
    }

    /**
     * Looks names up with the system's resolver, or with {@code nameServers} when there are any (the servers of
     * {@code domainProof.nameServers}).
     */
    public static AddressLookup lookup(List<InetSocketAddress> nameServers) {
        if (nameServers.isEmpty()) {
            return name -> Arrays.asList(InetAddress.getAllByName(name));
        }
        DnsTxtLookup dns = new DnsTxtLookup(nameServers, ForkJoinPool.commonPool());
        return name -> {
            List<InetAddress> found = new ArrayList<>();
            for (String type : List.of("A", "AAAA")) {
                for (String address : dns.records(name, type)) {
                    // An IP literal: no lookup happens.
                    found.add(InetAddress.getByName(address));
                }
            }
            return found;
        };
    }

    /** Returns when {@code name} reaches this server over HTTP; throws why not otherwise. */
    public void check(String name) throws Exception {
        String token = random();
        String answer = token + "." + random();
        String path = PendingChallenges.HTTP_01_PREFIX + token;
        challenges.answerHttp01(token, answer);
        store.shareHttp01(answer);
        try {
            List<InetAddress> addresses;
            try {
                addresses = lookup.addresses(name);
            } catch (Exception e) {
                throw new ProbeFailedException("probe: " + name + " does not resolve: " + e.getMessage());
            }
            if (addresses.isEmpty()) {
                throw new ProbeFailedException("probe: " + name + " has no A or AAAA record");
            }
            List<String> outcomes = new ArrayList<>();
            for (InetAddress address : addresses.subList(0, Math.min(addresses.size(), MAX_ADDRESSES))) {
                String outcome = fetch(address, name, path, answer);
                if (outcome == null) {
                    return;
                }
                outcomes.add(address.getHostAddress() + ": " + outcome);
            }
            throw new ProbeFailedException("probe: http://" + name + (port == 80 ? "" : ":" + port) + path
                    + " did not reach this server (" + String.join("; ", outcomes) + ")");
        } finally {
            challenges.withdrawHttp01(token);
            store.withdrawHttp01(token);
        }
    }

    /** Null when {@code address} answered {@code answer}; else what happened instead. */
    private String fetch(InetAddress address, String name, String path, String answer) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + name + "\r\nUser-Agent: portway-probe\r\n"
                    + "Accept: */*\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] response = readBounded(socket, deadline);
            if (response.length > MAX_RESPONSE_BYTES) {
                return "answer longer than " + MAX_RESPONSE_BYTES + " bytes";
            }
            String text = new String(response, StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 200") && !text.startsWith("HTTP/1.0 200")) {
                int end = text.indexOf('\r');
                return "answered " + (end > 0 ? text.substring(0, Math.min(end, 64)) : "nothing");
            }
            int body = text.indexOf("\r\n\r\n");
            // The answer is random: whatever sends it back got it from a node of this server.
            return body >= 0 && text.indexOf(answer, body) >= 0 ? null : "answered 200 without the probe's token";
        } catch (SocketTimeoutException e) {
            return "no answer within " + timeout.toMillis() + " ms";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Reads until the peer closes, up to one byte more than allowed, within the deadline. */
    private static byte[] readBounded(Socket socket, long deadline) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[MAX_RESPONSE_BYTES + 1];
        int length = 0;
        while (length < buffer.length) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (System.nanoTime() >= deadline) {
                throw new SocketTimeoutException("probe deadline");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int read = in.read(buffer, length, buffer.length - length);
            if (read < 0) {
                break;
            }
            length += read;
        }
        return Arrays.copyOf(buffer, length);
    }

    private static String random() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
