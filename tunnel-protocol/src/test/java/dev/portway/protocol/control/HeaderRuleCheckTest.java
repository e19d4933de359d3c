package dev.portway.protocol.control;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.portway.protocol.control.HeaderRuleCheck.Direction.REQUEST;
import static dev.portway.protocol.control.HeaderRuleCheck.Direction.RESPONSE;
import static org.assertj.core.api.Assertions.assertThat;

class HeaderRuleCheckTest {
    private static HttpOptions.HeaderRules set(String name, String value) {
        Map<String, String> set = new LinkedHashMap<>();
        set.put(name, value);
        return new HttpOptions.HeaderRules(set, null);
    }

    private static HttpOptions.HeaderRules remove(String... names) {
        return new HttpOptions.HeaderRules(null, List.of(names));
    }

    @Test
    void ordinaryRulesPass() {
        assertThat(HeaderRuleCheck.problems(new HttpOptions.HeaderRules(
                Map.of("X-From", "portway", "Cache-Control", "no-store, max-age=0", "X-Tab", "a\tb \u00e9"),
                List.of("Server", "Cookie", "Authorization")), REQUEST)).isEmpty();
        assertThat(HeaderRuleCheck.problems(remove("X-Forwarded-For", "Host"), RESPONSE)).isEmpty();
        assertThat(HeaderRuleCheck.problems(null, RESPONSE)).isEmpty();
    }

    @Test
    void valuesThatWouldSplitAHeadAreRefused() {
        assertThat(HeaderRuleCheck.problems(set("X-A", "a\r\nContent-Length: 0"), RESPONSE))
                .extracting(Object::toString).containsExactly("set.X-A: expected a value without control characters "
                        + "(CR, LF, NUL, ...), got \"a\\r\\nContent-Length: 0\"");
        assertThat(HeaderRuleCheck.problems(set("X-A", "a\nb"), REQUEST)).hasSize(1);
        assertThat(HeaderRuleCheck.problems(set("X-A", "a\u0000b"), REQUEST)).hasSize(1);
        assertThat(HeaderRuleCheck.problems(set("X-A", "a\u007fb"), REQUEST)).hasSize(1);
        // Written one byte per character, U+010A would become LF.
        assertThat(HeaderRuleCheck.problems(set("X-A", "a\u010ab"), REQUEST)).hasSize(1);
        assertThat(HeaderRuleCheck.valueProblem("localhost:8080")).isNull();
        assertThat(HeaderRuleCheck.valueProblem("localhost\r\nX: 1")).contains("control characters");
    }

    @Test
    void namesMustBeTokens() {
        assertThat(HeaderRuleCheck.problems(set("X A", "1"), RESPONSE)).extracting(HeaderRuleCheck.Problem::message)
                .singleElement().asString().startsWith("expected a header name");
        assertThat(HeaderRuleCheck.problems(set("X:A", "1"), RESPONSE)).hasSize(1);
        assertThat(HeaderRuleCheck.problems(set("", "1"), RESPONSE)).hasSize(1);
        assertThat(HeaderRuleCheck.problems(remove("X\r\nA"), RESPONSE)).extracting(HeaderRuleCheck.Problem::field)
                .containsExactly("remove[0]");
    }

    @Test
    void framingAndConnectionHeadersAreTheServers() {
        for (String name : List.of("Content-Length", "transfer-encoding", "Connection", "Upgrade", "Trailer",
                "Keep-Alive", "TE", "Proxy-Connection")) {
            assertThat(HeaderRuleCheck.problems(set(name, "0"), RESPONSE)).as(name).singleElement()
                    .extracting(HeaderRuleCheck.Problem::message).asString().contains("framing and connection");
            assertThat(HeaderRuleCheck.problems(remove("X-Ok", name), REQUEST)).as(name)
                    .extracting(HeaderRuleCheck.Problem::field).containsExactly("remove[1]");
        }
    }

    @Test
    void requestsLeaveTheHostAndEveryForwardingHeaderToTheServerButMayHideThePeer() {
        for (String name : List.of("Host", "X-Forwarded-For", "x-forwarded-proto", "X-Forwarded-Host", "X-Real-IP",
                "Forwarded", "X-Forwarded-Port", "X-Forwarded-Prefix", "X_Forwarded_For", "x_real_ip",
                "X-Forwarded_Host")) {
            assertThat(HeaderRuleCheck.problems(set(name, "x"), REQUEST)).as(name).singleElement()
                    .extracting(HeaderRuleCheck.Problem::message).asString()
                    .isEqualTo("expected a header other than Host (use hostHeaderRewrite) and the forwarding headers "
                            + "the server sets or drops (X-Forwarded-For/-Proto/-Host/-Port/-Prefix, X-Real-IP, "
                            + "Forwarded, also spelt with _), got \"" + name + "\"");
        }
        assertThat(HeaderRuleCheck.problems(set("X-Forwarded-Server", "x"), REQUEST)).isEmpty();
        assertThat(HeaderRuleCheck.problems(set("X_Forwarded_For", "x"), RESPONSE)).isEmpty();
        assertThat(HeaderRuleCheck.problems(remove("Host"), REQUEST)).hasSize(1);
        assertThat(HeaderRuleCheck.problems(remove("X-Forwarded-For", "X-Real-IP", "X-Forwarded-Host", "Forwarded",
                "X_Forwarded_For"), REQUEST)).isEmpty();
    }
}
