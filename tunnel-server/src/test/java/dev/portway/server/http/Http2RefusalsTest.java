package dev.portway.server.http;

import dev.portway.monitor.Http2Refusal;
import io.netty.handler.codec.http2.Http2Error;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Http2RefusalsTest {
    @Test
    void eachRefusalHasItsReasonByCodeAndTheCodecsMessage() {
        assertThat(Http2Refusals.reason(Http2Error.ENHANCE_YOUR_CALM.code(),
                "Maximum number 200 of RST frames reached within 30 seconds")).isEqualTo(Http2Refusal.RAPID_RESET);
        assertThat(Http2Refusals.reason(Http2Error.ENHANCE_YOUR_CALM.code(),
                "Maximum number 10000 of outstanding control frames reached")).isEqualTo(Http2Refusal.CONTROL_FLOOD);
        assertThat(Http2Refusals.reason(Http2Error.ENHANCE_YOUR_CALM.code(),
                "Number of small consecutive continuations frames 17 exceeds maximum: 16"))
                .isEqualTo(Http2Refusal.CONTINUATION_FLOOD);
        assertThat(Http2Refusals.reason(Http2Error.PROTOCOL_ERROR.code(), "Header size exceeded max allowed size (4096)"))
                .isEqualTo(Http2Refusal.HEADER_LIST_SIZE);
        assertThat(Http2Refusals.reason(Http2Error.REFUSED_STREAM.code(), "")).isEqualTo(Http2Refusal.CONCURRENT_STREAMS);
        assertThat(Http2Refusals.reason(Http2Error.FLOW_CONTROL_ERROR.code(), "")).isEqualTo(Http2Refusal.FLOW_CONTROL);
        assertThat(Http2Refusals.reason(Http2Error.PROTOCOL_ERROR.code(), "stream id went backwards"))
                .isEqualTo(Http2Refusal.PROTOCOL_ERROR);
    }

    @Test
    void cancelsAndGracefulEndsAreNoRefusals() {
        assertThat(Http2Refusals.reason(Http2Error.CANCEL.code(), "")).isNull();
        assertThat(Http2Refusals.reason(Http2Error.NO_ERROR.code(), "")).isNull();
        assertThat(Http2Refusals.reason(0x1234, "")).isNull();
    }
}
