package dev.portway.protocol.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which header rules of an http tunnel can be applied safely. The server writes heads byte for byte and frames
 * bodies before the rules run, so a rule may neither break a head's syntax (a CR or LF in a value starts a new
 * line: response splitting) nor touch a field that frames the message or belongs to one connection. The server
 * checks every tunnel it accepts, as a client can be modified; the client checks its own file to report early.
 *
 * <p>Threading: stateless.
 */
public final class HeaderRuleCheck {
    /** Framing and hop-by-hop fields: the server decides them per connection. */
    private static final Set<String> CONNECTION_FIELDS = Set.of("content-length", "transfer-encoding", "connection",
            "upgrade", "trailer", "keep-alive", "te", "proxy-connection");
    /**
     * Headers that tell a service where a request came from, lower case: the server vouches for the first four and
     * sets them on every request, the others it cannot vouch for and drops from the public side. Either way they are
     * the server's, so a tunnel's request rules may remove them (hiding the peer is the tunnel's choice) but never set
     * them: the service could not tell the tunnel's value from the server's.
     */
    private static final Set<String> FORWARDING_FIELDS = Set.of("x-forwarded-for", "x-real-ip", "x-forwarded-proto",
            "x-forwarded-host", "forwarded", "x-forwarded-port", "x-forwarded-prefix");

    /** Where rules apply: requests towards the local service or answers towards the public peer. */
    public enum Direction { REQUEST, RESPONSE }

    /**
     * A rule that cannot be applied.
     *
     * @param field   where, relative to the rules: {@code set.X-Name} or {@code remove[2]}
     * @param message {@code expected ..., got ...}
     */
    public record Problem(String field, String message) {
        @Override
        public String toString() {
            return field + ": " + message;
        }
    }

    private HeaderRuleCheck() {
    }

    /** Every rule that cannot be applied (set by name, then remove in order); empty when all can. */
    public static List<Problem> problems(HttpOptions.HeaderRules rules, Direction direction) {
        List<Problem> problems = new ArrayList<>();
        if (rules == null) {
            return problems;
        }
        // Sorted: the record's map has no order, and the same file should always be reported the same way.
        for (Map.Entry<String, String> entry : new TreeMap<>(rules.set()).entrySet()) {
            String field = "set." + entry.getKey();
            String nameProblem = nameProblem(entry.getKey(), direction, false);
            if (nameProblem != null) {
                problems.add(new Problem(field, nameProblem));
            }
            String valueProblem = valueProblem(entry.getValue());
            if (valueProblem != null) {
                problems.add(new Problem(field, valueProblem));
            }
        }
        for (int i = 0; i < rules.remove().size(); i++) {
            String nameProblem = nameProblem(rules.remove().get(i), direction, true);
            if (nameProblem != null) {
                problems.add(new Problem("remove[" + i + "]", nameProblem));
            }
        }
        return problems;
    }

    /**
     * Why {@code value} cannot be a header field value (RFC 9110 section 5.5: visible characters, space, HTAB and
     * ISO-8859-1 letters; no CR, LF, NUL or other control), or null when it can.
     */
    public static String valueProblem(String value) {
        if (value == null) {
            return "expected a value, got nothing";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // Heads are written one byte per character, so a character above 0xFF would lose its high byte.
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                return "expected a value without control characters (CR, LF, NUL, ...), got \"" + escaped(value)
                        + "\"";
            }
        }
        return null;
    }

    private static String nameProblem(String name, Direction direction, boolean removing) {
        if (name == null || name.isEmpty() || !name.chars().allMatch(HeaderRuleCheck::tokenChar)) {
            return "expected a header name made of letters, digits and !#$%&'*+-.^_`|~, got \""
                    + escaped(String.valueOf(name)) + "\"";
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (CONNECTION_FIELDS.contains(lower)) {
            return "expected a header other than the framing and connection headers (Content-Length, "
                    + "Transfer-Encoding, Connection, Upgrade, Trailer, Keep-Alive, TE, Proxy-Connection), which the "
                    + "server sets, got \"" + name + "\"";
        }
        if (direction == Direction.REQUEST && (lower.equals("host") || !removing && forwardingField(name))) {
            return "expected a header other than Host (use hostHeaderRewrite) and the forwarding headers the server "
                    + "sets or drops (X-Forwarded-For/-Proto/-Host/-Port/-Prefix, X-Real-IP, Forwarded, also spelt "
                    + "with _), got \"" + name + "\"";
        }
        return null;
    }

    /**
     * Whether {@code name} is a forwarding header by any spelling a service or framework may read: any case, and
     * {@code _} for {@code -}, since some stacks (CGI, PHP, nginx with underscores_in_headers) turn
     * {@code X_Forwarded_For} into the same variable as {@code X-Forwarded-For}.
     */
    public static boolean forwardingField(String name) {
        return FORWARDING_FIELDS.contains(name.replace('_', '-').toLowerCase(Locale.ROOT));
    }

    /** RFC 9110 tchar: what a header name is made of. */
    public static boolean tokenChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** Control characters as {@code \r}, {@code \n}, {@code \x00}: a refusal shows the value without acting it. */
    private static String escaped(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(text.length(), 80); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c > 0xff) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
