package dev.portway.server.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestTargetTest {
    @Test
    void anAbsoluteFormTargetNamesItsAuthorityAndGoesOnInOriginForm() {
        RequestTarget target = RequestTarget.parse("http://other.example:8080/api/x?q=1");
        assertThat(target.authority()).isEqualTo("other.example:8080");
        assertThat(target.path()).isEqualTo("/api/x");
        assertThat(target.originForm()).isEqualTo("/api/x?q=1");
        assertThat(RequestTarget.parse("HTTPS://other.example").originForm()).isEqualTo("/");
        assertThat(RequestTarget.parse("http://other.example?q=/x").originForm()).isEqualTo("/?q=/x");
    }

    @Test
    void anOriginFormTargetHasNoAuthority() {
        RequestTarget target = RequestTarget.parse("/a?next=http://b/c");
        assertThat(target.authority()).isNull();
        assertThat(target.path()).isEqualTo("/a");
        assertThat(target.originForm()).isEqualTo("/a?next=http://b/c");
        assertThat(RequestTarget.parse("*").originForm()).isEqualTo("*");
    }

    @Test
    void targetsThatCouldBeReadAsAnotherAuthorityAreRefused() {
        assertThat(RequestTarget.parse("http://admin.internal@app.example/")).isNull();
        assertThat(RequestTarget.parse("http:///path")).isNull();
        assertThat(RequestTarget.parse("ftp://app.example/")).isNull();
        assertThat(RequestTarget.parse("app.example/path")).isNull();
    }
}
