package dev.portway.protocol.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class HostPortTest {

    @Test
    void parsesHostAndPort() {
        assertThat(HostPort.parse("example.com:7000")).isEqualTo(new HostPort("example.com", 7000));
        assertThat(HostPort.parse("127.0.0.1:22").toString()).isEqualTo("127.0.0.1:22");
    }

    @Test
    void parsesBracketedIpv6AndPrintsItBack() {
        HostPort hp = HostPort.parse("[::1]:80");
        assertThat(hp.host()).isEqualTo("::1");
        assertThat(hp.port()).isEqualTo(80);
        assertThat(hp.toString()).isEqualTo("[::1]:80");
        assertThat(HostPort.parse(hp.toString())).isEqualTo(hp);
    }

    @Test
    void bareHostTakesTheDefaultPort() {
        assertThat(HostPort.parse("tunnel.example.com", 7000)).isEqualTo(new HostPort("tunnel.example.com", 7000));
        assertThat(HostPort.parse("[2001:db8::1]", 7000)).isEqualTo(new HostPort("2001:db8::1", 7000));
    }

    @Test
    void rejectsMalformedInput() {
        for (String bad : new String[] {"22", "host", ":80", "host:", "host:0", "host:65536", "host:8o",
                "::1:80", "[::1", "[::1]80", "[host]:80", "a b:80"}) {
            assertThatIllegalArgumentException().as(bad).isThrownBy(() -> HostPort.parse(bad));
        }
    }
}
