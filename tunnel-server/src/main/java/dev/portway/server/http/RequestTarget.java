package dev.portway.server.http;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A request's target as routing sees it (RFC 9112 section 3.2): in absolute-form ({@code GET http://host/path}) its
 * authority overrides {@code Host}, so the request is routed on that authority and passed on in origin-form with
 * that Host; otherwise it is routed on {@code Host}.
 *
 * <p>The path is normalised before it is routed, and passed on normalised, so that the local service serves the
 * location routing chose however the peer spelled it ({@code /%61dmin}, {@code //admin}, {@code /a/../admin}):
 * unreserved characters are percent-decoded and other escapes upper-cased (RFC 3986 section 6.2.2), empty segments
 * collapse and dot segments are resolved (section 5.2.4). What no normalisation makes safe is refused: {@code ..}
 * above the root, an encoded {@code /}, {@code \} or NUL (one service decodes it into a separator, another not),
 * a raw {@code \} or control character, a broken escape, and {@code .;} or {@code ..;} segments (which servlet
 * containers read as dot segments). The query passes unchanged. A plain class, so every form is tested without a
 * channel.
 *
 * <p>Threading: immutable.
 */
record RequestTarget(String authority, String path, String query) {
    /** The target parsed, or null when the server cannot read it the way a local service would (answered 400). */
    static RequestTarget parse(String uri) {
        if (uri.startsWith("/") || uri.equals("*")) {
            return originForm(null, uri, 0);
        }
        int schemeEnd = uri.indexOf("://");
        if (schemeEnd < 0) {
            return null;
        }
        String scheme = uri.substring(0, schemeEnd);
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            return null;
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < uri.length() && "/?#".indexOf(uri.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        String authority = uri.substring(authorityStart, authorityEnd);
        // User info is deprecated in http URIs (RFC 9110 section 4.2.4) and a classic way to make one authority read
        // as another.
        if (authority.isEmpty() || authority.indexOf('@') >= 0) {
            return null;
        }
        return originForm(authority, uri, authorityEnd);
    }

    private static RequestTarget originForm(String authority, String uri, int pathStart) {
        int queryStart = pathStart;
        while (queryStart < uri.length() && uri.charAt(queryStart) != '?' && uri.charAt(queryStart) != '#') {
            queryStart++;
        }
        String path = queryStart == pathStart ? "/" : uri.substring(pathStart, queryStart);
        String normalised = path.equals("*") ? path : normalise(path);
        return normalised == null ? null : new RequestTarget(authority, normalised, uri.substring(queryStart));
    }

    /** {@code path} normalised (see the class comment), or null when it is refused. */
    static String normalise(String path) {
        if (plain(path)) {
            return path;
        }
        String decoded = decodeUnreserved(path);
        if (decoded == null) {
            return null;
        }
        Deque<String> segments = new ArrayDeque<>();
        String[] parts = decoded.split("/", -1);
        for (String part : parts) {
            if (part.equals("..")) {
                if (segments.pollLast() == null) {
                    return null;
                }
            } else if (part.startsWith(".;") || part.startsWith("..;")) {
                return null;
            } else if (!part.isEmpty() && !part.equals(".")) {
                segments.add(part);
            }
        }
        String last = parts[parts.length - 1];
        boolean directory = last.isEmpty() || last.equals(".") || last.equals("..");
        StringBuilder normal = new StringBuilder(decoded.length());
        for (String segment : segments) {
            normal.append('/').append(segment);
        }
        if (directory || normal.length() == 0) {
            normal.append('/');
        }
        return normal.toString();
    }

    /** Whether {@code path} is normal as it is: the common case, checked without allocating. */
    private static boolean plain(String path) {
        char previous = 0;
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' || c == '\\' || c < 0x20 || c == 0x7f || (c == '/' && previous == '/')
                    || (c == '.' && previous == '/')) {
                return false;
            }
            previous = c;
        }
        return true;
    }

    /** Decodes escapes of unreserved characters and upper-cases the others; null for what the class refuses. */
    private static String decodeUnreserved(String path) {
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' || c < 0x20 || c == 0x7f) {
                return null;
            }
            if (c != '%') {
                out.append(c);
                continue;
            }
            int high = i + 2 < path.length() ? Character.digit(path.charAt(i + 1), 16) : -1;
            int low = high < 0 ? -1 : Character.digit(path.charAt(i + 2), 16);
            if (low < 0) {
                return null;
            }
            char decoded = (char) (high * 16 + low);
            if (decoded == '/' || decoded == '\\' || decoded == 0) {
                return null;
            }
            if (unreserved(decoded)) {
                out.append(decoded);
            } else {
                out.append('%').append(Character.toUpperCase(path.charAt(i + 1)))
                        .append(Character.toUpperCase(path.charAt(i + 2)));
            }
            i += 2;
        }
        return out.toString();
    }

    private static boolean unreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~';
    }

    /** What the local service is sent: the target in origin-form. */
    String originForm() {
        return path + query;
    }
}
