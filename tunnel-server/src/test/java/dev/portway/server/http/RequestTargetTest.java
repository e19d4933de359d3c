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

    @Test
    void pathsAreRoutedAndSentNormalised() {
        assertThat(RequestTarget.normalise("/%61dmin")).isEqualTo("/admin");
        assertThat(RequestTarget.normalise("//admin")).isEqualTo("/admin");
        assertThat(RequestTarget.normalise("/./admin")).isEqualTo("/admin");
        assertThat(RequestTarget.normalise("/a/../admin")).isEqualTo("/admin");
        assertThat(RequestTarget.normalise("/a/%2e%2E/admin/")).isEqualTo("/admin/");
        assertThat(RequestTarget.normalise("/a/b/..")).isEqualTo("/a/");
        assertThat(RequestTarget.normalise("/a/.")).isEqualTo("/a/");
        assertThat(RequestTarget.normalise("/%7euser/a%20b%3f")).isEqualTo("/~user/a%20b%3F");
        assertThat(RequestTarget.normalise("/.well-known/x.y")).isEqualTo("/.well-known/x.y");
        assertThat(RequestTarget.parse("http://app.example//a/../admin?x=/../").originForm())
                .isEqualTo("/admin?x=/../");
    }

    @Test
    void pathsThatCannotBeNormalisedSafelyAreRefused() {
        for (String path : new String[] {"/..", "/a/../..", "/%2e%2e/admin", "/a%2Fb", "/a%2fb", "/a%5cb", "/a%00",
                "/a\\b", "/a%", "/a%4", "/a%zz", "/..;/admin", "/a/.;x/b", "/a\tb"}) {
            assertThat(RequestTarget.normalise(path)).as(path).isNull();
        }
        assertThat(RequestTarget.parse("/public/..;/admin")).isNull();
    }

    @Test
    void aNormalPathIsTheSameString() {
        String path = "/api/v1/users";
        assertThat(RequestTarget.normalise(path)).isSameAs(path);
    }
}
