package dev.portway.protocol.relay;

import dev.portway.protocol.relay.RelayRig.End;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The endings contract (docs/protocol.md, "How streams end") over random interleavings of everything that can
 * happen to one relayed connection: peers sending, half-closing and resetting, the stream being reset, frames
 * crossing the carrier late and in batches, carriers and sockets that stop taking writes, and the carrier lost.
 *
 * <p>Whatever the order: a connection nobody cut delivers every byte once and in order, then FIN, both ways; a cut
 * one ends every socket whose peer did not reset it with RST, unless that socket had already been given all there
 * was and its FIN; no byte sent after the cut comes out on the other side; no stream stays open; nothing leaks.
 *
 * <p>Each case is a script of up to 60 steps drawn from a seeded generator; a failure names its seed and script, and
 * the same seed replays it. A failing script is reported whole, not shrunk.
 */
class StreamEndingsPropertyTest {
    private static final int CASES = 400;

    static LongStream seeds() {
        return LongStream.range(0, CASES);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyEndingKeepsTheContract(long seed) {
        List<Step> script = script(new Random(seed));
        RelayRig rig = new RelayRig();
        try {
            Cut cut = null;
            for (Step step : script) {
                if (cut == null && step.cuts(rig)) {
                    cut = new Cut(rig);
                }
                step.apply(rig);
            }
            rig.settle();
            for (End end : End.values()) {
                checkSocket(rig, end, cut);
                assertThat(rig.session(end).openStreams()).as("streams left open at %s", end).isZero();
            }
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + ", script " + script + ": " + e.getMessage(), e);
        } finally {
            rig.close();
        }
        assertThat(rig.alloc.unreleased()).as("buffers never released (seed %d)", seed).isEmpty();
    }

    private static void checkSocket(RelayRig rig, End end, Cut cut) {
        FakeSocket socket = rig.socket(end);
        FakeSocket source = rig.socket(end.other());
        if (socket == null) {
            assertThat(cut).as("%s never connected though nothing was cut", end).isNotNull();
            return;
        }
        byte[] sent = source == null ? new byte[0] : source.sentByPeer();
        byte[] received = socket.receivedByPeer();
        String what = end + " socket";
        assertThat(received.length).as("%s received more than was sent", what).isLessThanOrEqualTo(sent.length);
        assertThat(Arrays.mismatch(received, Arrays.copyOf(sent, received.length)))
                .as("%s: first byte that differs from what was sent", what).isEqualTo(-1);
        assertThat(socket.wroteAfterShutdown()).as("%s written after its FIN", what).isFalse();
        assertThat(socket.isOpen()).as("%s still open", what).isFalse();
        if (cut == null) {
            assertThat(received.length).as("%s got every byte", what).isEqualTo(sent.length);
            assertThat(socket.peerSawFin()).as("%s ended with FIN", what).isTrue();
            assertThat(socket.closedAbortively()).as("%s closed with RST after a clean end", what).isFalse();
            return;
        }
        assertThat(received.length).as("%s got bytes sent after the cut", what)
                .isLessThanOrEqualTo(cut.sent.get(end.other()));
        if (socket.peerReset()) {
            return;
        }
        if (socket.peerSawFin()) {
            assertThat(cut.halfClosed.get(end.other()) && received.length == sent.length)
                    .as("%s ended with FIN after %d of %d bytes, though the stream was cut", what, received.length,
                            sent.length)
                    .isTrue();
        } else {
            assertThat(socket.peerSawRst()).as("%s ended with RST", what).isTrue();
        }
    }

    /** What each peer had sent, and whether it had half-closed, when the connection was first cut. */
    private static final class Cut {
        final Map<End, Integer> sent = new EnumMap<>(End.class);
        final Map<End, Boolean> halfClosed = new EnumMap<>(End.class);

        Cut(RelayRig rig) {
            for (End end : End.values()) {
                FakeSocket socket = rig.socket(end);
                sent.put(end, socket == null ? 0 : socket.sentByPeer().length);
                halfClosed.put(end, socket != null && socket.peerHalfClosed());
            }
        }
    }

    // ---- the script ----

    sealed interface Step {
        void apply(RelayRig rig);

        /** Whether this step, taken now, may cut the connection. */
        default boolean cuts(RelayRig rig) {
            return false;
        }
    }

    record Open() implements Step {
        public void apply(RelayRig rig) {
            rig.open();
        }
    }

    /** The local service accepts the connection the client dialled when the stream opened. */
    record Connect() implements Step {
        public void apply(RelayRig rig) {
            rig.onSocket(End.LOCAL, FakeSocket::connect);
        }
    }

    record Send(End end, int bytes) implements Step {
        public void apply(RelayRig rig) {
            rig.onSocket(end, socket -> socket.peerSends(bytes));
        }
    }

    record Read(End end, int maxChunk, boolean endOfInputTogether) implements Step {
        public void apply(RelayRig rig) {
            rig.onSocket(end, socket -> socket.serveRead(maxChunk, endOfInputTogether));
        }
    }

    /** The epoll transport reads a half-closed socket to its end without being asked. */
    record Drain(End end) implements Step {
        public void apply(RelayRig rig) {
            rig.onSocket(end, FakeSocket::drainHalfClosed);
        }
    }

    record HalfClose(End end) implements Step {
        public void apply(RelayRig rig) {
            rig.onSocket(end, FakeSocket::peerHalfCloses);
        }
    }

    record Stall(End end, boolean stalled) implements Step {
        public void apply(RelayRig rig) {
            rig.onSocket(end, socket -> socket.stall(stalled));
        }
    }

    record Deliver(End from, int frames) implements Step {
        public void apply(RelayRig rig) {
            rig.deliver(from, frames);
        }
    }

    record CarrierWritable(End end, boolean writable) implements Step {
        public void apply(RelayRig rig) {
            rig.carrierWritable(end, writable);
        }
    }

    record PeerReset(End end) implements Step {
        public void apply(RelayRig rig) {
            rig.onSocket(end, FakeSocket::peerResets);
        }

        public boolean cuts(RelayRig rig) {
            FakeSocket socket = rig.socket(end);
            return socket != null && socket.isActive() && !socket.peerReset();
        }
    }

    record ResetStream(End end) implements Step {
        public void apply(RelayRig rig) {
            rig.resetStream(end);
        }

        public boolean cuts(RelayRig rig) {
            return rig.streamOpen(end);
        }
    }

    record LoseCarrier() implements Step {
        public void apply(RelayRig rig) {
            rig.loseCarrier();
        }

        public boolean cuts(RelayRig rig) {
            return rig.carrierUp();
        }
    }

    /** Up to 60 steps, each kind drawn with the weight beside it. */
    static List<Step> script(Random random) {
        List<Weighted> kinds = List.of(
                new Weighted(2, r -> new Open()),
                new Weighted(2, r -> new Connect()),
                new Weighted(12, r -> new Send(end(r), size(r))),
                new Weighted(14, r -> new Read(end(r), 1 + r.nextInt(100_000), r.nextBoolean())),
                new Weighted(2, r -> new Drain(end(r))),
                new Weighted(3, r -> new HalfClose(end(r))),
                new Weighted(4, r -> new Stall(end(r), r.nextBoolean())),
                new Weighted(14, r -> new Deliver(end(r), 1 + r.nextInt(20))),
                new Weighted(4, r -> new CarrierWritable(end(r), r.nextBoolean())),
                new Weighted(2, r -> new PeerReset(end(r))),
                new Weighted(2, r -> new ResetStream(end(r))),
                new Weighted(1, r -> new LoseCarrier()));
        int total = kinds.stream().mapToInt(Weighted::weight).sum();
        List<Step> steps = new ArrayList<>();
        for (int i = random.nextInt(61); i > 0; i--) {
            int pick = random.nextInt(total);
            for (Weighted kind : kinds) {
                pick -= kind.weight();
                if (pick < 0) {
                    steps.add(kind.step().apply(random));
                    break;
                }
            }
        }
        return steps;
    }

    private static End end(Random random) {
        return End.values()[random.nextInt(End.values().length)];
    }

    /** Mostly small sends, some of a few frames, a few larger than a window's first grant. */
    private static int size(Random random) {
        int bucket = random.nextInt(9);
        if (bucket < 6) {
            return 1 + random.nextInt(2_000);
        }
        return bucket < 8 ? 2_000 + random.nextInt(68_000) : 70_000 + random.nextInt(230_000);
    }

    private record Weighted(int weight, Function<Random, Step> step) {
    }
}
