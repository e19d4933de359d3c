package dev.portway.server.config;

import java.util.List;

/**
 * PROXY protocol (v1/v2) on the public listeners, for servers behind a front load balancer.
 *
 * @param trustedCidrs only connections from these networks may (and then must) start with a PROXY header; empty:
 *                     the header is accepted from nobody
 */
public record ProxyProtocolConfig(List<String> trustedCidrs) {
    public static final ProxyProtocolConfig NONE = new ProxyProtocolConfig(List.of());

    public ProxyProtocolConfig {
        trustedCidrs = trustedCidrs == null ? List.of() : List.copyOf(trustedCidrs);
    }
}
