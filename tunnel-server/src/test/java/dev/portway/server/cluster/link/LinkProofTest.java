package dev.portway.server.cluster.link;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class LinkProofTest {
    private static final byte[] CERTIFICATE = "certificate".getBytes(StandardCharsets.US_ASCII);
    private final LinkProof proof = new LinkProof("a-secret-the-nodes-share");
    private final String dialerNonce = LinkProof.nonce();
    private final String acceptorNonce = LinkProof.nonce();

    @Test
    void bothNodesComputeTheSameProofFromTheSameFacts() {
        String given = proof.proof(LinkProof.Role.DIALER, "b", dialerNonce, acceptorNonce, CERTIFICATE);
        String expected = new LinkProof("a-secret-the-nodes-share")
                .proof(LinkProof.Role.DIALER, "b", dialerNonce, acceptorNonce, CERTIFICATE);
        assertThat(proof.matches(expected, given)).isTrue();
    }

    @Test
    void everyFactChangesTheProof() {
        String base = proof.proof(LinkProof.Role.DIALER, "b", dialerNonce, acceptorNonce, CERTIFICATE);
        assertThat(new String[] {
                proof.proof(LinkProof.Role.ACCEPTOR, "b", dialerNonce, acceptorNonce, CERTIFICATE),
                proof.proof(LinkProof.Role.DIALER, "c", dialerNonce, acceptorNonce, CERTIFICATE),
                proof.proof(LinkProof.Role.DIALER, "b", LinkProof.nonce(), acceptorNonce, CERTIFICATE),
                proof.proof(LinkProof.Role.DIALER, "b", dialerNonce, LinkProof.nonce(), CERTIFICATE),
                proof.proof(LinkProof.Role.DIALER, "b", dialerNonce, acceptorNonce, "other".getBytes()),
                new LinkProof("another-secret-of-16+").proof(LinkProof.Role.DIALER, "b", dialerNonce,
                        acceptorNonce, CERTIFICATE)})
                .allSatisfy(other -> assertThat(proof.matches(base, other)).isFalse());
    }

    @Test
    void malformedInputIsNoMatchAndNoNonce() {
        String base = proof.proof(LinkProof.Role.DIALER, "b", dialerNonce, acceptorNonce, CERTIFICATE);
        assertThat(proof.matches(base, "not base64 !")).isFalse();
        assertThat(proof.matches(base, "")).isFalse();
        assertThat(LinkProof.wellFormedNonce(dialerNonce)).isTrue();
        assertThat(LinkProof.wellFormedNonce("c2hvcnQ")).isFalse();
        assertThat(LinkProof.wellFormedNonce("***")).isFalse();
    }
}
