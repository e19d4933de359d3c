package dev.portway.server.https;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ALPN protocols read from real ClientHello bytes, and nothing from cut or altered ones. */
class ClientHelloAlpnTest {
    /** TLS record header (5) and handshake header (4): what precedes the part the SNI handler passes on. */
    private static final int HEADERS = 9;

    private static List<String> protocolsOf(ByteBuf flight, int cutAtEnd) {
        try {
            return ClientHelloAlpn.protocols(flight.slice(HEADERS, flight.readableBytes() - HEADERS - cutAtEnd));
        } finally {
            flight.release();
        }
    }

    @Test
    void theOfferedProtocolsAreReadInTheClientsOrder() throws Exception {
        assertThat(protocolsOf(SniRouterTest.clientHello("app.example.test", List.of("acme-tls/1")), 0))
                .containsExactly("acme-tls/1");
        assertThat(protocolsOf(SniRouterTest.clientHello("app.example.test", List.of("h2", "http/1.1")), 0))
                .containsExactly("h2", "http/1.1");
    }

    @Test
    void aHelloWithoutAlpnOffersNothing() throws Exception {
        assertThat(protocolsOf(SniRouterTest.clientHello("app.example.test", List.of()), 0)).isEmpty();
    }

    @Test
    void aHelloCutShortOffersNothingAndReadsNoFurther() throws Exception {
        ByteBuf flight = SniRouterTest.clientHello("app.example.test", List.of("acme-tls/1"));
        int length = flight.readableBytes();
        flight.release();
        for (int cut = 1; cut < length - HEADERS; cut += 7) {
            // Whatever is missing, no length may lead the parser past the end: no exception, at most a list.
            List<String> protocols = protocolsOf(SniRouterTest.clientHello("app.example.test",
                    List.of("acme-tls/1")), cut);
            assertThat(protocols).isSubsetOf(List.of("acme-tls/1"));
        }
    }
}
