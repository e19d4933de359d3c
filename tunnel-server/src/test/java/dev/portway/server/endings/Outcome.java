package dev.portway.server.endings;

import dev.portway.server.endings.Peer.Ending;
import dev.portway.server.endings.Peer.Received;
import dev.portway.server.endings.Peer.Sent;

import static org.assertj.core.api.Assertions.assertThat;

/** What each side of one relayed connection sent and received. */
record Outcome(Sent byPublic, Sent byLocal, Received atPublic, Received atLocal) {
    /** A normal ending: each side got every byte of the other, in order, and then FIN. */
    void assertComplete() {
        assertThat(atLocal).as("what the local service received")
                .isEqualTo(new Received(byPublic.bytes(), byPublic.sha256(), Ending.FIN));
        assertThat(atPublic).as("what the public peer received")
                .isEqualTo(new Received(byLocal.bytes(), byLocal.sha256(), Ending.FIN));
    }
}
