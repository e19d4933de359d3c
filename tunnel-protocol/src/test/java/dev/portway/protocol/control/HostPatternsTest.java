package dev.portway.protocol.control;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HostPatternsTest {
    @Test
    void aWildcardStandsForExactlyOneLabel() {
        assertThat(HostPatterns.matches("*.example.org", "a.example.org")).isTrue();
        assertThat(HostPatterns.matches("*.example.org", "A.Example.ORG.")).isTrue();
        assertThat(HostPatterns.matches("*.example.org", "b.a.example.org")).isFalse();
        assertThat(HostPatterns.matches("*.example.org", "example.org")).isFalse();
        assertThat(HostPatterns.matches("*.example.org", "*.example.org")).isTrue();
        assertThat(HostPatterns.matches("a.example.org", "*.example.org")).isFalse();
        assertThat(HostPatterns.wildcardFor("localhost")).isNull();
    }
}
