package dev.portway.monitor;

/**
 * What a server that is a node of a cluster tells its meters about the cluster, as this node sees it.
 *
 * <p>Threading: any thread.
 */
public interface ClusterMeters {
    /** Records nothing: a server without meters. */
    ClusterMeters NONE = new ClusterMeters() {
        @Override
        public void liveNodes(int count) {
        }

        @Override
        public void nodeReaped() {
        }

        @Override
        public void takeover() {
        }
    };

    /** The nodes alive (heartbeat younger than {@code deadAfter}) at this node's last heartbeat, itself included. */
    void liveNodes(int count);

    /** This node deleted a node that had stopped beating, with its sessions and claims. */
    void nodeReaped();

    /** A client whose session another node held took it over on this node. */
    void takeover();
}
