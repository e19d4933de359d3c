package dev.portway.client.inspect;

import java.util.Locale;
import java.util.function.Predicate;

/**
 * What the list of exchanges is narrowed to; every part is optional (null or blank: any).
 *
 * @param tunnel the tunnel's name, exactly
 * @param status a status code ({@code 404}), a class ({@code 4xx}), or {@code pending} for exchanges without a status
 * @param method a request method, without case
 * @param text   text the request target contains, without case
 */
public record ExchangeFilter(String tunnel, String status, String method, String text) implements Predicate<Exchange> {

    /** @throws IllegalArgumentException when {@code status} is none of its forms */
    public ExchangeFilter {
        tunnel = blankToNull(tunnel);
        status = blankToNull(status);
        method = blankToNull(method);
        text = blankToNull(text);
        if (status != null && !status.matches("[1-5](\\d\\d|xx|XX)|pending")) {
            throw new IllegalArgumentException("status: expected a code such as 404, a class such as 4xx, or pending");
        }
        text = text == null ? null : text.toLowerCase(Locale.ROOT);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @Override
    public boolean test(Exchange exchange) {
        if (tunnel != null && !tunnel.equals(exchange.tunnel())) {
            return false;
        }
        if (method != null && !method.equalsIgnoreCase(exchange.request().method())) {
            return false;
        }
        if (text != null && !exchange.request().target().toLowerCase(Locale.ROOT).contains(text)) {
            return false;
        }
        return status == null || statusMatches(exchange.response() == null ? 0 : exchange.response().status());
    }

    private boolean statusMatches(int code) {
        if (status.equals("pending")) {
            return code == 0;
        }
        if (status.endsWith("xx") || status.endsWith("XX")) {
            return code / 100 == status.charAt(0) - '0';
        }
        return code == Integer.parseInt(status);
    }
}
