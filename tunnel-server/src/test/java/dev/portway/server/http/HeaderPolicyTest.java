package dev.portway.server.http;

import dev.portway.protocol.control.HttpOptions;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderPolicyTest {
    private static HttpOptions options(String rewrite, HttpOptions.BasicAuth auth) {
        return new HttpOptions("app", null, null, rewrite,
                new HttpOptions.HeaderRules(Map.of("X-Added", "yes"), List.of("Cookie")),
                new HttpOptions.HeaderRules(Map.of("X-Served-By", "portway"), List.of("Server")), auth, null);
    }

    @Test
    void forwardingHeadersReplaceWhatThePeerSent() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        request.headers().set("Host", "app.example.com").add("X-Forwarded-For", "6.6.6.6")
                .add("X-Real-IP", "6.6.6.6").set("Cookie", "c=1");
        new HeaderPolicy(options("localhost:8080", null)).rewriteRequest(request, "203.0.113.9", "https");
        assertThat(request.headers().getAll("X-Forwarded-For")).containsExactly("203.0.113.9");
        assertThat(request.headers().get("X-Real-IP")).isEqualTo("203.0.113.9");
        assertThat(request.headers().get("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(request.headers().get("X-Forwarded-Host")).isEqualTo("app.example.com");
        assertThat(request.headers().get("Host")).isEqualTo("localhost:8080");
        assertThat(request.headers().get("X-Added")).isEqualTo("yes");
        assertThat(request.headers().contains("Cookie")).isFalse();
    }

    @Test
    void forwardingHeadersInAnySpellingAreDroppedOrReplaced() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        request.headers().set("Host", "app.example.com").add("Forwarded", "for=6.6.6.6;host=admin.internal")
                .add("X-Forwarded-Port", "443").add("x-forwarded-prefix", "/admin").add("X_Forwarded_For", "6.6.6.6")
                .add("x_forwarded_host", "admin.internal").add("X_REAL_IP", "6.6.6.6").add("X-Forwarded_Proto", "ftp")
                .add("X-Forwarded-Server", "kept").add("Forwarded-Not", "kept");
        new HeaderPolicy(new HttpOptions("app", null, null, null, null, null, null, null))
                .rewriteRequest(request, "203.0.113.9", "http");
        assertThat(request.headers().names()).containsExactlyInAnyOrder("Host", "X-Forwarded-For", "X-Real-IP",
                "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Server", "Forwarded-Not");
        assertThat(request.headers().get("X-Forwarded-Host")).isEqualTo("app.example.com");
        assertThat(request.headers().get("X-Forwarded-Proto")).isEqualTo("http");
    }

    @Test
    void requestRulesMayHideThePeerFromTheService() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        request.headers().set("Host", "app.example.com");
        new HeaderPolicy(new HttpOptions("app", null, null, null,
                new HttpOptions.HeaderRules(null, List.of("X-Forwarded-For", "X-Real-IP")), null, null, null))
                .rewriteRequest(request, "203.0.113.9", "http");
        assertThat(request.headers().contains("X-Forwarded-For")).isFalse();
        assertThat(request.headers().contains("X-Real-IP")).isFalse();
        assertThat(request.headers().get("X-Forwarded-Proto")).isEqualTo("http");
    }

    @Test
    void responseRulesApply() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set("Server", "secret/1.0");
        new HeaderPolicy(options(null, null)).rewriteResponse(response);
        assertThat(response.headers().contains("Server")).isFalse();
        assertThat(response.headers().get("X-Served-By")).isEqualTo("portway");
    }

    @Test
    void basicAuthNeedsTheExactCredentialsAndIsNotForwarded() {
        HeaderPolicy policy = new HeaderPolicy(options(null, new HttpOptions.BasicAuth("me", "pw")));
        assertThat(policy.authorized(new DefaultHttpHeaders())).isFalse();
        assertThat(policy.authorized(new DefaultHttpHeaders().set("Authorization", "Basic bWU6cHg="))).isFalse();
        assertThat(policy.authorized(new DefaultHttpHeaders().set("Authorization", "Basic bWU6cHc="))).isTrue();
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        request.headers().set("Host", "a").set("Authorization", "Basic bWU6cHc=");
        policy.rewriteRequest(request, "127.0.0.1", "http");
        assertThat(request.headers().contains("Authorization")).isFalse();
    }
}
