package dev.portway.server.endings;

import dev.portway.server.endings.Peer.Ending;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The abortive endings of the table: one side resets mid-transfer, and the other must see a reset too. */
enum Cut {
    /** The public peer resets while the local service streams to it. */
    PUBLIC,
    /** The local service resets while the public peer streams to it. */
    LOCAL;

    /** Streams {@code size} bytes towards the aborting side, resets it once 1 MiB has arrived, checks the other. */
    void run(Peer publicPeer, Peer local, long size, long seed) throws Exception {
        Peer aborter = this == PUBLIC ? publicPeer : local;
        Peer other = this == PUBLIC ? local : publicPeer;
        try {
            other.sendAsync(size, seed);
            TcpEndingsIT.awaitRead(aborter, Math.min(size, 1024 * 1024));
            aborter.abort();
            assertThat(other.received(30, TimeUnit.SECONDS).ending())
                    .as("the %s side's input after a reset of the other", this == PUBLIC ? "local" : "public")
                    .isEqualTo(Ending.RST);
        } finally {
            other.close();
        }
    }
}
