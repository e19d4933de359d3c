package dev.portway.server.acme;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * When a certificate in service is renewed. When the CA offers ACME Renewal Information (RFC 9773, ARI), at a point
 * of its suggested window, the same point for as long as the window stays (a fraction taken from the certificate's
 * serial number, so that many certificates spread over the window); the window is asked for again after the CA's
 * Retry-After, or {@link #ASK_AGAIN} without one. Otherwise, and whenever the CA cannot be asked, after two thirds of
 * the lifetime ({@link IssuedCertificate#renewAt()}).
 *
 * <p>Threading: the ACME thread only.
 */
final class RenewalTimes {
    private static final Logger log = LoggerFactory.getLogger(RenewalTimes.class);
    static final Duration ASK_AGAIN = Duration.ofHours(6);

    /** The CA's suggested renewal window of a certificate. */
    record Window(Instant start, Instant end, Optional<Instant> retryAfter) {
    }

    /** Asks the CA; empty when it offers no renewal information. */
    @FunctionalInterface
    interface WindowSource {
        Optional<Window> window(X509Certificate leaf) throws Exception;
    }

    private record Known(Optional<Window> window, Instant askAgain) {
    }

    private final WindowSource source;
    private final Map<X509Certificate, Known> known = new HashMap<>();

    RenewalTimes(WindowSource source) {
        this.source = source;
    }

    Instant renewAt(IssuedCertificate certificate, Instant now) {
        X509Certificate leaf = certificate.leaf();
        Known current = known.get(leaf);
        if (current == null || !now.isBefore(current.askAgain())) {
            Optional<Window> window;
            try {
                window = source.window(leaf);
            } catch (Exception e) {
                log.debug("[acme certificate={}] renewal information not read: {}", certificate.name(), e.toString());
                window = Optional.empty();
            }
            Instant askAgain = window.flatMap(Window::retryAfter).filter(now::isBefore).orElse(now.plus(ASK_AGAIN));
            current = new Known(window, askAgain);
            known.keySet().removeIf(old -> old.getNotAfter().toInstant().isBefore(now));
            known.put(leaf, current);
        }
        return current.window().map(window -> within(window, leaf)).orElseGet(certificate::renewAt);
    }

    /** A point of the window chosen by the serial number: stable for one certificate, spread over many. */
    static Instant within(Window window, X509Certificate leaf) {
        Duration width = Duration.between(window.start(), window.end());
        if (width.isNegative() || width.isZero()) {
            return window.start();
        }
        double fraction = (leaf.getSerialNumber().hashCode() & 0x7fffffff) / (double) Integer.MAX_VALUE;
        return window.start().plusMillis((long) (width.toMillis() * fraction));
    }
}
