package dev.portway.protocol.mux;

import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.control.GoAway;
import dev.portway.protocol.frame.Frame;
import dev.portway.protocol.frame.FrameType;
import dev.portway.testkit.Wire;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every kind of bad input ends the same way: a GOAWAY naming the problem is written to the peer and the carrier
 * is closed; no exception reaches the end of the pipeline and no buffer leaks (checked for the class).
 */
class BadInputTest {
    private DrivenSession server = DrivenSession.helloedServer();

    @AfterEach
    void noExceptionEscapedAndNothingIsLeftOver() {
        server.channel.checkException();
        assertFalse(server.channel.finishAndReleaseAll());
    }

    @Test
    void wrongMagic() {
        server.feed(Wire.frame(0x50575902, FrameType.PING.code(), 0, 0, 8, new byte[8]));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "bad magic 0x50575902");
    }

    @Test
    void unknownType() {
        server.feed(Wire.frame(Frame.MAGIC, 42, 0, 1, 0, new byte[0]));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "unknown frame type 42");
    }

    @Test
    void lengthOverTheMaximumIsRejectedFromTheHeaderAlone() {
        // Only the header arrives: the decoder must not wait for (or allocate) 2 GiB of payload first.
        byte[] header = Arrays.copyOf(Wire.frame(Frame.MAGIC, FrameType.DATA.code(), 0, 1, Integer.MAX_VALUE,
                new byte[0]), Frame.HEADER_LENGTH);
        server.feed(header);
        assertGoAway(ErrorCode.FRAME_SIZE_ERROR, "exceeds the maximum of 65536");
    }

    @Test
    void lengthJustOverTheMaximum() {
        server.feed(Wire.open(1, "web"));
        server.feed(Arrays.copyOf(Wire.frame(Frame.MAGIC, FrameType.DATA.code(), 0, 1, 65537, new byte[0]),
                Frame.HEADER_LENGTH));
        assertGoAway(ErrorCode.FRAME_SIZE_ERROR, "65537 bytes exceeds");
    }

    @Test
    void truncatedFrameAtEndOfInput() {
        byte[] ping = Wire.ping(1);
        server.feed(Arrays.copyOf(ping, ping.length - 3));
        server.channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "connection ended inside a frame (19 bytes left over)");
    }

    @Test
    void truncatedFrameWhenTheConnectionDropsFailsNothingLoudly() {
        server.feed(Arrays.copyOf(Wire.ping(1), 5));
        server.channel.close();
        server.channel.runPendingTasks();
        server.channel.checkException();
        assertThat(server.listener.closed).isEqualTo(1);
    }

    @Test
    void dataForAnUnknownStream() {
        server.feed(Wire.data(7, new byte[10]));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "DATA for unknown stream 7");
    }

    @Test
    void dataForAClosedStream() {
        server.feed(Wire.open(1, "web"), Wire.fin(1));
        server.listener.accepted.get(1).finish();
        server.channel.runPendingTasks();
        assertThat(server.session.openStreams()).isZero();
        server.sent();

        server.feed(Wire.data(1, new byte[10]));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "DATA for closed stream 1");
    }

    @Test
    void dataAfterFin() {
        server.feed(Wire.open(1, "web"), Wire.fin(1), Wire.data(1, new byte[10]));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "DATA on stream 1 after its FIN");
    }

    @Test
    void openReusingALiveId() {
        server.feed(Wire.open(1, "web"), Wire.open(1, "web"));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "OPEN reuses live stream 1");
    }

    @Test
    void openWithAnIdBelowTheHighestSoFar() {
        server.feed(Wire.open(5, "web"), Wire.open(3, "web"));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "ids must increase");
    }

    @Test
    void openUsingTheReceiversHalfOfTheIds() {
        server.feed(Wire.open(2, "web"));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "OPEN on stream 2, which belongs to this side's half");
    }

    @Test
    void windowUpdateOverflowing2pow31() {
        server.feed(Wire.open(1, "web"), Wire.windowUpdate(1, Integer.MAX_VALUE));
        assertGoAway(ErrorCode.FLOW_CONTROL_ERROR, "overflows its window");
    }

    @Test
    void windowUpdateWithAnIncrementOfZeroOrTheTopBitSet() {
        server.feed(Wire.open(1, "web"), Wire.windowUpdate(1, 0x80000000));
        assertGoAway(ErrorCode.FLOW_CONTROL_ERROR, "increment 2147483648");
    }

    @Test
    void dataBeyondTheGrantedWindow() {
        server.listener.acceptor = stream -> new RecordingHandler(false);
        server.feed(Wire.open(1, "web"));
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < 4; i++) {
            server.feed(Wire.data(1, chunk));
        }
        assertThat(server.channel.isOpen()).as("exactly the initial window is fine").isTrue();
        server.feed(Wire.data(1, new byte[1]));
        assertGoAway(ErrorCode.FLOW_CONTROL_ERROR, "stream 1 sent 1 bytes with only 0 bytes of window left");
    }

    @Test
    void malformedControlJson() {
        server.feed(Wire.frame(FrameType.CONTROL, 0, "{\"type\":\"auth\",\"token\":".getBytes(StandardCharsets.UTF_8)));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "malformed ControlMessage");
    }

    @Test
    void controlMessageMissingARequiredField() {
        server.feed(Wire.frame(FrameType.CONTROL, 0, "{\"type\":\"auth\",\"clientId\":\"c\"}".getBytes(StandardCharsets.UTF_8)));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "token");
    }

    @Test
    void malformedOpenPayload() {
        server.feed(Wire.frame(FrameType.OPEN, 1, "{\"peer\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "tunnel");
    }

    @Test
    void nullGoAwayPayload() {
        server.feed(Wire.frame(FrameType.GOAWAY, 0, "null".getBytes(StandardCharsets.UTF_8)));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "malformed GoAway");
    }

    @Test
    void anythingBeforeHello() {
        server = DrivenSession.server();
        server.feed(Wire.ping(1));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "expected HELLO first, got PING");
    }

    @Test
    void helloOfAnotherProtocolVersion() {
        server = DrivenSession.server();
        server.feed(Wire.frame(FrameType.CONTROL, 0,
                "{\"type\":\"hello\",\"protocolVersion\":2}".getBytes(StandardCharsets.UTF_8)));
        assertGoAway(ErrorCode.UNSUPPORTED_VERSION, "protocol version 2");
    }

    @Test
    void flagsTheTypeDoesNotAllow() {
        server.feed(Wire.frame(FrameType.FIN, 0x80, 1, new byte[0]));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "flags 0x80 not allowed on FIN");
    }

    @Test
    void fixedLengthTypeWithAnotherLength() {
        server.feed(Wire.frame(FrameType.PING, 0, 0, new byte[7]));
        assertGoAway(ErrorCode.FRAME_SIZE_ERROR, "PING payload of 7 bytes, expected 8");
    }

    @Test
    void streamFrameOnStreamZero() {
        server.feed(Wire.data(0, new byte[1]));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "DATA on stream 0");
    }

    @Test
    void streamIdWithTheTopBitSet() {
        server.feed(Wire.data(0x80000001, new byte[1]));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "stream id 2147483649 out of range");
    }

    @Test
    void rstTooShortForItsCode() {
        server.feed(Wire.open(1, "web"), Wire.frame(FrameType.RST, 1, new byte[2]));
        assertGoAway(ErrorCode.FRAME_SIZE_ERROR, "RST on stream 1 with 2 bytes");
    }

    @Test
    void goodFramesBeforeTheBadOneInTheSameReadAreStillHandled() {
        server.feed(Wire.concat(Wire.open(1, "web"), Wire.data(1, new byte[] {1, 2, 3}), Wire.data(9, new byte[1])));
        assertThat(server.listener.handlers.get(1).received()).containsExactly(1, 2, 3);
        assertGoAway(ErrorCode.PROTOCOL_ERROR, "DATA for unknown stream 9");
        assertThat(server.listener.handlers.get(1).resets).isEqualTo(1);
    }

    private void assertGoAway(ErrorCode code, String reasonFragment) {
        server.channel.checkException();
        List<SentFrame> sent = server.sent();
        assertThat(sent).isNotEmpty();
        SentFrame last = sent.get(sent.size() - 1);
        assertThat(last.type()).isEqualTo(FrameType.GOAWAY);
        GoAway goAway = last.goAway();
        assertThat(goAway.errorCode()).isEqualTo(code);
        assertThat(goAway.reason()).contains(reasonFragment);
        assertThat(server.channel.isOpen()).as("carrier closed").isFalse();
        assertThat(server.listener.closed).isEqualTo(1);
    }
}
