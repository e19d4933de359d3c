package dev.portway.server.endings;

import dev.portway.server.endings.Peer.Received;
import dev.portway.server.endings.Peer.Sent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The normal endings of the table: which side sends and half-closes first. In each, both sides send {@code size}
 * bytes, and both must receive all of the other's and then a FIN.
 */
enum Scenario {
    /** The public peer sends and half-closes; the service answers once it has read the end. */
    PUBLIC_FIRST {
        @Override
        Outcome exchange(Peer publicPeer, Peer local, long size, long seed) throws Exception {
            Sent fromPublic = publicPeer.send(size, seed);
            publicPeer.halfClose();
            Received atLocal = local.received(WAIT, TimeUnit.SECONDS);
            Sent fromLocal = local.send(size, seed + 1);
            local.halfClose();
            return new Outcome(fromPublic, fromLocal, publicPeer.received(WAIT, TimeUnit.SECONDS), atLocal);
        }
    },
    /** The service sends and half-closes; the public peer answers once it has read the end. */
    LOCAL_FIRST {
        @Override
        Outcome exchange(Peer publicPeer, Peer local, long size, long seed) throws Exception {
            Sent fromLocal = local.send(size, seed);
            local.halfClose();
            Received atPublic = publicPeer.received(WAIT, TimeUnit.SECONDS);
            Sent fromPublic = publicPeer.send(size, seed + 1);
            publicPeer.halfClose();
            return new Outcome(fromPublic, fromLocal, atPublic, local.received(WAIT, TimeUnit.SECONDS));
        }
    },
    /** Both send at once and half-close when done, so the two FINs cross. */
    BOTH_AT_ONCE {
        @Override
        Outcome exchange(Peer publicPeer, Peer local, long size, long seed) throws Exception {
            CompletableFuture<Sent> fromPublic = publicPeer.sendAsync(size, seed);
            CompletableFuture<Sent> fromLocal = local.sendAsync(size, seed + 1);
            Sent sentByPublic = fromPublic.get(WAIT, TimeUnit.SECONDS);
            publicPeer.halfClose();
            Sent sentByLocal = fromLocal.get(WAIT, TimeUnit.SECONDS);
            local.halfClose();
            return new Outcome(sentByPublic, sentByLocal, publicPeer.received(WAIT, TimeUnit.SECONDS),
                    local.received(WAIT, TimeUnit.SECONDS));
        }
    },
    /** The service sends and half-closes; the public peer reads it all, sends, and closes without a half-close. */
    FULL_CLOSE {
        @Override
        Outcome exchange(Peer publicPeer, Peer local, long size, long seed) throws Exception {
            Sent fromLocal = local.send(size, seed);
            local.halfClose();
            Received atPublic = publicPeer.received(WAIT, TimeUnit.SECONDS);
            Sent fromPublic = publicPeer.send(size, seed + 1);
            publicPeer.fullClose();
            return new Outcome(fromPublic, fromLocal, atPublic, local.received(WAIT, TimeUnit.SECONDS));
        }
    };

    static final long WAIT = 30;

    /** Runs the exchange on a new connection of {@code publicPeer} and the service end it reaches. */
    Outcome run(Peer publicPeer, ScriptedService service, long size, long seed) throws Exception {
        return run(publicPeer, service.next(), size, seed);
    }

    /** Runs the exchange between {@code publicPeer} and {@code local}, and closes both. */
    Outcome run(Peer publicPeer, Peer local, long size, long seed) throws Exception {
        try {
            return exchange(publicPeer, local, size, seed);
        } finally {
            publicPeer.close();
            local.close();
        }
    }

    abstract Outcome exchange(Peer publicPeer, Peer local, long size, long seed) throws Exception;
}
