package dev.portway.admin.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * One file of the console, read from the classpath once: its bytes, a gzip copy when that is smaller, its content
 * type and an ETag of its content.
 *
 * @param gzipped null when compressing saves nothing (images, tiny files)
 */
record ConsoleAsset(String name, String contentType, byte[] body, byte[] gzipped, String etag) {
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml",
            "txt", "text/plain; charset=utf-8");

    static ConsoleAsset load(String resourceDirectory, String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        String type = TYPES.get(extension);
        if (type == null) {
            throw new IllegalArgumentException("console file of an unknown type: " + name);
        }
        byte[] body;
        try (InputStream in = ConsoleAsset.class.getResourceAsStream(resourceDirectory + name)) {
            if (in == null) {
                throw new IllegalStateException("console file missing from the classpath: " + resourceDirectory + name);
            }
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] gzipped = gzip(body);
        return new ConsoleAsset(name, type, body, gzipped.length < body.length ? gzipped : null, etag(body));
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 2 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
