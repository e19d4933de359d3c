package dev.portway.server.cluster.link;

/** A node-to-node link was refused during its handshake: the reason is logged and the connection closed. */
final class LinkRefusedException extends Exception {
    LinkRefusedException(String reason) {
        super(reason, null, false, false);
    }
}
