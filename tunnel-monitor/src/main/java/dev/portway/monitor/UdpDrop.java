package dev.portway.monitor;

/** Why a UDP datagram was dropped; datagrams are never split or queued without bound. */
public enum UdpDrop {
    /** Larger than {@code udp.maxDatagram}. */
    OVERSIZE,
    /** The tunnel connection or the public socket could not take it right now. */
    CONGESTED,
    /** The tunnel's client is gone, or the flow limit of the session or of its user is reached. */
    NO_FLOW,
    /** The sender's address is refused by the tunnel's {@code ipAllow}/{@code ipDeny} or the server's {@code access.deny}. */
    IP_DENIED;

    public String label() {
        return LabelValue.of(this);
    }
}
