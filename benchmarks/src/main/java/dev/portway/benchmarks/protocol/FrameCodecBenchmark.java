package dev.portway.benchmarks.protocol;

import dev.portway.protocol.frame.Frame;
import dev.portway.protocol.frame.FrameDecoder;
import dev.portway.protocol.frame.FrameEncoder;
import dev.portway.protocol.frame.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Encodes a DATA frame and decodes it again, on one {@link EmbeddedChannel} whose outbound bytes are fed back in.
 * The score counts frames; the {@code bytes} counter reports payload bytes per second.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar FrameCodecBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class FrameCodecBenchmark {
    @Param("16384")
    public int payloadSize;

    private EmbeddedChannel channel;
    private ByteBuf payload;

    /** Payload bytes that made the round trip; JMH reports it per second next to the frame rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup
    public void setUp() {
        channel = new EmbeddedChannel(new FrameDecoder(64 * 1024), new FrameEncoder());
        channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        byte[] random = new byte[payloadSize];
        ThreadLocalRandom.current().nextBytes(random);
        payload = PooledByteBufAllocator.DEFAULT.directBuffer(payloadSize).writeBytes(random);
    }

    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        payload.release();
    }

    @Benchmark
    public int encodeThenDecode(Bytes counter) {
        channel.writeOutbound(new Frame(FrameType.DATA, 0, 1, payload.retainedDuplicate()));
        ByteBuf wire = channel.readOutbound();
        channel.writeInbound(wire);
        Frame decoded = channel.readInbound();
        int length = decoded.length();
        decoded.release();
        counter.bytes += length;
        return length;
    }
}
