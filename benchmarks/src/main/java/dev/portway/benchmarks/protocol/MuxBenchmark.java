package dev.portway.benchmarks.protocol;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.control.OpenStream;
import dev.portway.protocol.frame.FrameDecoder;
import dev.portway.protocol.frame.FrameEncoder;
import dev.portway.protocol.mux.Role;
import dev.portway.protocol.mux.SessionListener;
import dev.portway.protocol.mux.SessionSettings;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
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

import java.util.concurrent.TimeUnit;

/**
 * The whole multiplexer on one thread: a client and a server session on two {@link EmbeddedChannel}s whose
 * outbound bytes are handed to each other. One operation moves {@code megabytes} MiB through one stream, with
 * credit, WINDOW_UPDATEs and the frame codec in the loop; the {@code bytes} counter reports bytes per second.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar MuxBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class MuxBenchmark {
    private static final int CHUNK = 64 * 1024;

    @Param("8")
    public int megabytes;

    private EmbeddedChannel clientChannel;
    private EmbeddedChannel serverChannel;
    private TunnelStream stream;
    private ByteBuf chunk;
    private final Sink sink = new Sink();
    private final Source source = new Source();

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
        SessionSettings settings = SessionSettings.defaults("bench");
        TunnelSession client = new TunnelSession(Role.CLIENT, settings, new Listener(null));
        TunnelSession server = new TunnelSession(Role.SERVER, settings, new Listener(sink));
        clientChannel = channel(client, settings);
        serverChannel = channel(server, settings);
        pump();
        stream = client.openStream(new OpenStream("bench", null), new Sink()).getNow();
        pump();
        chunk = PooledByteBufAllocator.DEFAULT.directBuffer(CHUNK).writeZero(CHUNK);
    }

    @TearDown
    public void tearDown() {
        clientChannel.finishAndReleaseAll();
        serverChannel.finishAndReleaseAll();
        chunk.release();
    }

    @Benchmark
    public long transfer(Bytes counter) {
        long total = (long) megabytes << 20;
        long target = sink.received + total;
        source.remaining = total;
        stream.whenWritable(source);
        while (sink.received < target) {
            pump();
        }
        counter.bytes += total;
        return sink.received;
    }

    private static EmbeddedChannel channel(TunnelSession session, SessionSettings settings) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(settings.maxFramePayload()), new FrameEncoder(),
                session);
        channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        return channel;
    }

    private void pump() {
        boolean moved;
        do {
            clientChannel.runPendingTasks();
            serverChannel.runPendingTasks();
            moved = transfer(clientChannel, serverChannel) | transfer(serverChannel, clientChannel);
        } while (moved);
    }

    private static boolean transfer(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (Object msg; (msg = from.readOutbound()) != null; ) {
            to.writeInbound(msg);
            moved = true;
        }
        return moved;
    }

    /** Writes shared 64 KiB slices while the stream has credit; no allocation or copy on the sending side. */
    private final class Source implements Runnable {
        long remaining;

        @Override
        public void run() {
            while (remaining > 0) {
                int n = (int) Math.min(CHUNK, remaining);
                remaining -= n;
                stream.write(chunk.retainedSlice(0, n));
                if (remaining > 0) {
                    stream.whenWritable(this);
                    return;
                }
            }
        }
    }

    /** Drains at once and returns the credit. */
    private static final class Sink implements StreamHandler {
        long received;

        @Override
        public void onData(TunnelStream stream, ByteBuf data) {
            int n = data.readableBytes();
            data.release();
            received += n;
            stream.consumed(n);
        }

        @Override
        public void onFinish(TunnelStream stream) {
        }

        @Override
        public void onReset(TunnelStream stream, ErrorCode code, String reason) {
        }
    }

    private record Listener(Sink sink) implements SessionListener {
        @Override
        public void onControl(TunnelSession session, ControlMessage message) {
        }

        @Override
        public StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream) {
            return sink;
        }
    }
}
