package dev.portway.protocol.mux;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.control.Auth;
import dev.portway.protocol.frame.Frame;
import dev.portway.protocol.frame.FrameType;
import dev.portway.testkit.Wire;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feeds 3000 mutated frame sequences to the decoder and a session: valid sequences from a seeded generator, then bytes
 * flipped, lengths and types replaced, frames dropped, duplicated or cut short. Whatever arrives, the session
 * must answer with at most a GOAWAY for a protocol error (never an internal error), let no exception reach the
 * pipeline's tail and leak no buffer.
 *
 * <p>A seeded generator rather than Jazzer: it is deterministic (a failure names its seed and case and replays
 * exactly), needs no native agent, and so runs in every build.
 */
class FrameFuzzTest {
    private static final int CASES_PER_SEED = 500;
    private static final Logger SESSION_LOG = (Logger) LoggerFactory.getLogger(TunnelSession.class);
    private static Level savedLevel;

    /** Thousands of expected protocol errors would each log a warning; errors (the bugs) still show. */
    @BeforeAll
    static void quietExpectedWarnings() {
        savedLevel = SESSION_LOG.getLevel();
        SESSION_LOG.setLevel(Level.ERROR);
    }

    @AfterAll
    static void restoreLogLevel() {
        SESSION_LOG.setLevel(savedLevel);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 5, 8, 13})
    void arbitraryInputEndsInAtMostAProtocolError(long seed) {
        for (int i = 0; i < CASES_PER_SEED; i++) {
            long caseSeed = seed * 1_000_003L + i;
            try {
                runCase(new Random(caseSeed), i % 2 == 0 ? Role.SERVER : Role.CLIENT);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("fuzz case seed=" + seed + " case=" + i + " (Random(" + caseSeed + "))", e);
            }
        }
    }

    private static void runCase(Random random, Role role) {
        List<byte[]> frames = validSequence(random, role == Role.SERVER ? 1 : 2);
        mutate(random, frames);
        byte[] input = Wire.concat(frames.toArray(byte[][]::new));
        DrivenSession driven = new DrivenSession(role, SessionSettings.defaults("fuzz").withMaxConcurrentStreams(4));
        driven.listener.acceptor = stream -> new RecordingHandler(random.nextBoolean());

        int at = 0;
        while (at < input.length && driven.channel.isOpen()) {
            int n = Math.min(input.length - at, 1 + random.nextInt(random.nextBoolean() ? 16 : 4096));
            driven.channel.writeInbound(Unpooled.wrappedBuffer(input, at, n));
            at += n;
        }
        boolean inputEnded = driven.channel.isOpen() && random.nextBoolean();
        if (inputEnded) {
            driven.channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
        driven.channel.runPendingTasks();
        driven.channel.checkException();

        List<SentFrame> sent = driven.sent();
        for (SentFrame frame : sent) {
            if (frame.type() == FrameType.GOAWAY) {
                assertThat(frame.goAway().errorCode()).as("GOAWAY %s", frame.goAway()).isNotEqualTo(ErrorCode.INTERNAL_ERROR);
            }
        }
        // A clean end of input closes the carrier without GOAWAY; anything else that closes it is an error.
        if (!driven.channel.isOpen() && !inputEnded) {
            assertThat(sent).isNotEmpty();
            assertThat(sent.get(sent.size() - 1).type()).isEqualTo(FrameType.GOAWAY);
        }
        driven.channel.close();
        driven.channel.runPendingTasks();
        driven.channel.checkException();
        assertThat(driven.listener.closed).isEqualTo(1);
        driven.channel.finishAndReleaseAll();
    }

    /** A plausible conversation from the peer: HELLO, then streams opened, fed, credited, finished and reset. */
    private static List<byte[]> validSequence(Random random, int firstPeerId) {
        List<byte[]> frames = new ArrayList<>();
        frames.add(Wire.hello());
        List<Integer> open = new ArrayList<>();
        List<Integer> finished = new ArrayList<>();
        int nextId = firstPeerId;
        int count = 1 + random.nextInt(20);
        for (int i = 0; i < count; i++) {
            int op = random.nextInt(10);
            if (op == 0 || open.isEmpty()) {
                frames.add(Wire.open(nextId, "t" + nextId));
                open.add(nextId);
                nextId += 2;
                continue;
            }
            int id = open.get(random.nextInt(open.size()));
            if (finished.contains(id) && op <= 5) {
                op = 7;
            }
            switch (op) {
                case 1, 2, 3 -> frames.add(Wire.data(id, randomBytes(random, random.nextInt(3000))));
                case 4 -> frames.add(Wire.windowUpdate(id, 1 + random.nextInt(1 << 20)));
                case 5 -> {
                    frames.add(Wire.fin(id));
                    finished.add(id);
                }
                case 6 -> {
                    frames.add(Wire.rst(id, random.nextInt(16), "r"));
                    open.remove(Integer.valueOf(id));
                }
                case 7 -> frames.add(Wire.ping(random.nextLong()));
                case 8 -> frames.add(Wire.frame(FrameType.PONG, 0, ByteBuffer.allocate(8).putLong(random.nextLong()).array()));
                default -> frames.add(random.nextBoolean()
                        ? Wire.control(new Auth("tok" + random.nextInt(), null))
                        : Wire.frame(FrameType.DATAGRAM, id, randomBytes(random, random.nextInt(100))));
            }
        }
        return frames;
    }

    private static void mutate(Random random, List<byte[]> frames) {
        int mutations = random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            int index = random.nextInt(frames.size());
            byte[] frame = frames.get(index).clone();
            if (frame.length < Frame.HEADER_LENGTH) {
                frames.set(index, randomBytes(random, random.nextInt(40)));
                continue;
            }
            switch (random.nextInt(8)) {
                case 0 -> frame[random.nextInt(frame.length)] ^= (byte) (1 << random.nextInt(8));
                case 1 -> ByteBuffer.wrap(frame).putInt(10, random.nextBoolean()
                        ? random.nextInt() : random.nextInt(frame.length + 64));
                case 2 -> frame[4] = (byte) random.nextInt(random.nextBoolean() ? 12 : 256);
                case 3 -> ByteBuffer.wrap(frame).putInt(6, random.nextBoolean() ? random.nextInt(12) : random.nextInt());
                case 4 -> frame = java.util.Arrays.copyOf(frame, random.nextInt(frame.length));
                case 5 -> frames.add(index, frame.clone());
                case 6 -> frame = randomBytes(random, random.nextInt(40));
                default -> {
                    if (frame.length > Frame.HEADER_LENGTH) {
                        frame[Frame.HEADER_LENGTH + random.nextInt(frame.length - Frame.HEADER_LENGTH)] = (byte) random.nextInt();
                    }
                }
            }
            frames.set(index, frame);
        }
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
