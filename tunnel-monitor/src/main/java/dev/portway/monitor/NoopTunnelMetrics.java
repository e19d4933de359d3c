package dev.portway.monitor;

/** Records nothing. */
enum NoopTunnelMetrics implements TunnelMetrics {
    INSTANCE;

    @Override
    public void clientConnected(String clientId) {
    }

    @Override
    public void clientDisconnected(String clientId) {
    }

    @Override
    public void reconnect() {
    }

    @Override
    public void controlRtt(String clientId, long nanos) {
    }

    @Override
    public void tunnelOpened(String tunnel, String user, String tunnelType) {
    }

    @Override
    public void tunnelClosed(String tunnel, String user, String tunnelType) {
    }

    @Override
    public void streamOpened(String tunnelType) {
    }

    @Override
    public void streamClosed(String tunnelType) {
    }

    @Override
    public TunnelTraffic traffic(String tunnel, String user) {
        return TunnelTraffic.NOOP;
    }

    @Override
    public void publicConnectionAccepted() {
    }

    @Override
    public void publicConnectionRefused(PublicConnectionRefusal reason) {
    }

    @Override
    public void http2Refused(Http2Refusal reason) {
    }

    @Override
    public void authFailure(AuthFailureReason reason) {
    }

    @Override
    public void quotaEvent(QuotaEvent kind) {
    }

    @Override
    public void httpRequest(String tunnel, String method, int status, long nanos) {
    }
}
