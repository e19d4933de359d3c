package dev.portway.client.config;

import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;

/** The PROXY protocol header a tunnel writes to its local service before the relayed bytes ({@code proxyProtocol}). */
public enum ProxyProtocolVersion {
    V1("v1", HAProxyProtocolVersion.V1),
    V2("v2", HAProxyProtocolVersion.V2);

    private final String configName;
    private final HAProxyProtocolVersion netty;

    ProxyProtocolVersion(String configName, HAProxyProtocolVersion netty) {
        this.configName = configName;
        this.netty = netty;
    }

    public String configName() {
        return configName;
    }

    public HAProxyProtocolVersion netty() {
        return netty;
    }
}
