package dev.portway.admin.http;

import java.util.List;

/**
 * One entry of the route table. The router and the OpenAPI document are both built from the same list of routes,
 * so what is served and what is documented cannot drift apart.
 *
 * @param errors the error statuses this route can answer with, besides those every route shares
 */
public record Route(String method, PathTemplate path, String operationId, String summary, Access access,
                    List<QueryParam> query, BodyShape request, int successStatus, BodyShape response,
                    List<Integer> errors, Handler handler) {
    public Route {
        query = List.copyOf(query);
        errors = List.copyOf(errors);
    }

    /** Starts a route; the rest is filled in by the builder's fluent calls. */
    public static Builder route(String method, String path, String operationId) {
        return new Builder(method, PathTemplate.parse(path), operationId);
    }

    public static final class Builder {
        private final String method;
        private final PathTemplate path;
        private final String operationId;
        private String summary = "";
        private Access access = Access.AUTHENTICATED;
        private List<QueryParam> query = List.of();
        private BodyShape request = BodyShape.NONE;
        private int successStatus = 200;
        private BodyShape response = BodyShape.NONE;
        private List<Integer> errors = List.of();

        private Builder(String method, PathTemplate path, String operationId) {
            this.method = method;
            this.path = path;
            this.operationId = operationId;
        }

        public Builder summary(String summary) {
            this.summary = summary;
            return this;
        }

        public Builder access(Access access) {
            this.access = access;
            return this;
        }

        public Builder query(QueryParam... query) {
            this.query = List.of(query);
            return this;
        }

        public Builder request(BodyShape request) {
            this.request = request;
            return this;
        }

        public Builder response(int status, BodyShape response) {
            this.successStatus = status;
            this.response = response;
            return this;
        }

        public Builder errors(Integer... errors) {
            this.errors = List.of(errors);
            return this;
        }

        public Route handler(Handler handler) {
            return new Route(method, path, operationId, summary, access, query, request, successStatus, response,
                    errors, handler);
        }
    }
}
