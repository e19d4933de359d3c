package dev.portway.client.inspect;

/**
 * How the body of one message ends (RFC 9112 section 6): not at all, after a length, after the last chunk, when the
 * connection closes, or never as HTTP because the connection switched protocols.
 */
record Framing(Kind kind, long length) {
    enum Kind { NONE, LENGTH, CHUNKED, UNTIL_CLOSE, SWITCHED }

    static final Framing NONE = new Framing(Kind.NONE, 0);
    static final Framing CHUNKED = new Framing(Kind.CHUNKED, 0);
    static final Framing UNTIL_CLOSE = new Framing(Kind.UNTIL_CLOSE, 0);
    static final Framing SWITCHED = new Framing(Kind.SWITCHED, 0);

    /**
     * The framing the head's own fields give; a response's request method and status can still override it.
     *
     * @throws IllegalArgumentException for framing a recipient must reject (ambiguous or malformed lengths)
     */
    static Framing of(HttpHead head) {
        String coding = null;
        long length = -1;
        for (HttpHead.Header header : head.headers()) {
            if (header.name().equalsIgnoreCase("Transfer-Encoding")) {
                int comma = header.value().lastIndexOf(',');
                coding = (comma < 0 ? header.value() : header.value().substring(comma + 1)).strip();
            } else if (header.name().equalsIgnoreCase("Content-Length")) {
                for (String item : header.value().split(",")) {
                    long parsed = parseLength(item.strip());
                    if (length >= 0 && parsed != length) {
                        throw new IllegalArgumentException("conflicting Content-Length values");
                    }
                    length = parsed;
                }
            }
        }
        if (coding != null) {
            if (length >= 0) {
                throw new IllegalArgumentException("both Transfer-Encoding and Content-Length");
            }
            if (coding.equalsIgnoreCase("chunked")) {
                return CHUNKED;
            }
            if (head.isRequest()) {
                throw new IllegalArgumentException("request body of unknown length");
            }
            return UNTIL_CLOSE;
        }
        if (length >= 0) {
            return length == 0 ? NONE : new Framing(Kind.LENGTH, length);
        }
        return head.isRequest() ? NONE : UNTIL_CLOSE;
    }

    private static long parseLength(String text) {
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("invalid Content-Length");
        }
        return Long.parseLong(text);
    }
}
