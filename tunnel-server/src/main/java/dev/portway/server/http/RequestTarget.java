package dev.portway.server.http;

/**
 * A request's target as routing sees it (RFC 9112 section 3.2): in absolute-form ({@code GET http://host/path}) its
 * authority overrides {@code Host}, so the request is routed on that authority and passed on in origin-form with
 * that Host; otherwise it is routed on {@code Host}. A plain class, so every form is tested without a channel.
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
        return new RequestTarget(authority, path, uri.substring(queryStart));
    }

    /** What the local service is sent: the target in origin-form. */
    String originForm() {
        return path + query;
    }
}
