package dev.portway.server.config;

import java.nio.file.Path;

/**
 * The control listener's certificate chain and private key as PEM files. Both null means none is configured and
 * the server generates (once) and reuses a self-signed certificate in its data directory.
 */
public record ServerTlsConfig(Path cert, Path key) {

    public static final ServerTlsConfig NONE = new ServerTlsConfig(null, null);

    public ServerTlsConfig {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("tls.cert and tls.key must be given together");
        }
    }

    public boolean configured() {
        return cert != null;
    }
}
