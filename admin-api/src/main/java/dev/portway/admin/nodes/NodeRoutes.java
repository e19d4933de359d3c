package dev.portway.admin.nodes;

import dev.portway.admin.http.Access;
import dev.portway.admin.http.AdminResponse;
import dev.portway.admin.http.BodyShape;
import dev.portway.admin.http.Call;
import dev.portway.admin.http.Json;
import dev.portway.admin.http.Route;
import dev.portway.storage.cluster.NodeRepository;
import dev.portway.storage.cluster.NodeRepository.NodeRecord;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@code GET /api/v1/nodes}: the server nodes of the cluster, from the shared database; none on a single node. */
public final class NodeRoutes {
    private final NodeRepository nodes;

    public NodeRoutes(NodeRepository nodes) {
        this.nodes = nodes;
    }

    /** @param state {@code up} or {@code draining} (a node on its way out) */
    public record NodeView(String name, String advertise, String started, String lastHeartbeat, String state) {
        static NodeView of(NodeRecord node) {
            return new NodeView(node.name(), node.advertise(), Json.time(node.started()),
                    Json.time(node.lastHeartbeat()), node.state());
        }
    }

    public List<Route> routes() {
        return List.of(Route.route("GET", "/api/v1/nodes", "listNodes")
                .summary("Server nodes of the cluster with their last heartbeat; empty on a server without cluster")
                .access(Access.ADMIN)
                .response(200, BodyShape.listOf(NodeView.class))
                .handler(this::list));
    }

    private CompletableFuture<AdminResponse> list(Call call) {
        return nodes.list().thenApply(all -> Json.response(200, all.stream().map(NodeView::of).toList()));
    }
}
