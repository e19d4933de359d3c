package dev.portway.server.https;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientUpgradeTest {
    private final ClientUpgrade upgrade = new ClientUpgrade("/_portway/connect");

    private static HttpRequest request(String uri, String subprotocols) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        request.headers()
                .set("Host", "tunnel.example.com")
                .set("Upgrade", "WebSocket")
                .set("Connection", "keep-alive, Upgrade")
                .set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .set("Sec-WebSocket-Version", "13");
        if (subprotocols != null) {
            request.headers().set("Sec-WebSocket-Protocol", subprotocols);
        }
        return request;
    }

    @Test
    void aClientUpgradeIsAcceptedWithTheRfcAcceptValue() {
        HttpRequest request = request("/_portway/connect?attempt=2", "chat, portway.v1");
        assertThat(upgrade.matches(request)).isTrue();
        FullHttpResponse response = upgrade.accept(request);
        assertThat(response.status()).isEqualTo(HttpResponseStatus.SWITCHING_PROTOCOLS);
        assertThat(response.headers().get("Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(response.headers().get("Sec-WebSocket-Protocol")).isEqualTo("portway.v1");
        response.release();
    }

    @Test
    void anythingElseStaysAnOrdinaryRequest() {
        assertThat(upgrade.matches(request("/_portway/connect", null))).as("no subprotocol").isFalse();
        assertThat(upgrade.matches(request("/_portway/connect", "chat"))).as("a web app's own").isFalse();
        assertThat(upgrade.matches(request("/other", "portway.v1"))).as("another path").isFalse();
        HttpRequest post = request("/_portway/connect", "portway.v1");
        post.setMethod(HttpMethod.POST);
        assertThat(upgrade.matches(post)).isFalse();
        HttpRequest oldVersion = request("/_portway/connect", "portway.v1");
        oldVersion.headers().set("Sec-WebSocket-Version", "8");
        assertThat(upgrade.matches(oldVersion)).isFalse();
        HttpRequest noUpgrade = request("/_portway/connect", "portway.v1");
        noUpgrade.headers().set("Connection", "keep-alive");
        assertThat(upgrade.matches(noUpgrade)).isFalse();
        HttpRequest longKey = request("/_portway/connect", "portway.v1");
        longKey.headers().set("Sec-WebSocket-Key", "x".repeat(4096));
        assertThat(upgrade.matches(longKey)).isFalse();
    }
}
