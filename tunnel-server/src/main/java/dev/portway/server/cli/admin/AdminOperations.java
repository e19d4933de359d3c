package dev.portway.server.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portway.server.cli.CommandLine;
import dev.portway.server.cli.UsageException;
import dev.portway.server.cli.admin.TextTable.Column;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every command of {@code tunnel-server admin}, each one route of the REST admin API (docs/admin-api.md). USER and
 * ID arguments are the numeric ids the API uses; a session's id is the one {@code sessions list} shows.
 */
final class AdminOperations {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final List<AdminOperation> ALL = List.of(
            new AdminOperation("users", "list", List.of(), List.of(),
                    (args, line) -> get("/api/v1/users"), userColumns(""), null),
            new AdminOperation("users", "create", List.of("NAME"), List.of(),
                    (args, line) -> new ApiCall("POST", "/api/v1/users",
                            JSON.createObjectNode().put("name", args.get(0)).toString()),
                    userColumns("/user"), null),
            new AdminOperation("users", "delete", List.of("ID"), List.of(),
                    (args, line) -> delete("/api/v1/users/" + id(args.get(0))), List.of(), "deleted user %s"),
            new AdminOperation("tokens", "issue", List.of("USER"), List.of(),
                    (args, line) -> new ApiCall("POST", "/api/v1/users/" + id(args.get(0)) + "/tokens", null),
                    List.of(new Column("ID", "/id"), new Column("USER", "/userId"), new Column("PREFIX", "/prefix"),
                            new Column("TOKEN (shown once)", "/token")), null),
            new AdminOperation("tokens", "list", List.of("USER"), List.of(),
                    (args, line) -> get("/api/v1/users/" + id(args.get(0)) + "/tokens"),
                    tokenColumns(""), null),
            new AdminOperation("tokens", "revoke", List.of("ID"), List.of(),
                    (args, line) -> delete("/api/v1/tokens/" + id(args.get(0))),
                    append(tokenColumns("/token"), new Column("DISCONNECTED", "/disconnectedSessions")), null),
            new AdminOperation("tunnels", "list", List.of(), List.of(),
                    (args, line) -> get("/api/v1/tunnels"), tunnelColumns(""), null),
            new AdminOperation("tunnels", "create", List.of("NAME"),
                    List.of("--type tcp|udp|http", "--remote-port PORT", "--local HOST:PORT", "--subdomain LABEL",
                            "--domain HOST...", "--owner USER", "--disabled"),
                    AdminOperations::createTunnel,
                    append(tunnelColumns("/tunnel"), new Column("PUSH", "/push/status"),
                            new Column("REASON", "/push/reason")), null),
            new AdminOperation("tunnels", "delete", List.of("ID"), List.of(),
                    (args, line) -> delete("/api/v1/tunnels/" + id(args.get(0))), List.of(), "deleted tunnel %s"),
            new AdminOperation("sessions", "list", List.of(), List.of(),
                    (args, line) -> get("/api/v1/sessions"),
                    List.of(new Column("ID", "/id"), new Column("CLIENT", "/clientId"), new Column("USER", "/userId"),
                            new Column("TOKEN", "/tokenId"), new Column("ADDRESS", "/remoteAddress"),
                            new Column("CONNECTED", "/connectedAt"), new Column("TUNNELS", "/tunnels"),
                            new Column("NODE", "/node")), null),
            new AdminOperation("sessions", "kick", List.of("ID"), List.of(),
                    (args, line) -> delete("/api/v1/sessions/" + segment(args.get(0))), List.of(),
                    "disconnecting session %s"),
            new AdminOperation("plans", "list", List.of(), List.of(),
                    (args, line) -> get("/api/v1/plans"), planColumns(), null),
            new AdminOperation("plans", "create", List.of("NAME"), List.of("--limits FILE"),
                    AdminOperations::createPlan, planColumns(), null),
            new AdminOperation("plans", "delete", List.of("ID"), List.of(),
                    (args, line) -> delete("/api/v1/plans/" + id(args.get(0))), List.of(), "deleted plan %s"),
            new AdminOperation("users", "set-plan", List.of("USER", "PLAN|default"), List.of(),
                    (args, line) -> new ApiCall("PATCH", "/api/v1/users/" + id(args.get(0)),
                            planChoice(args.get(1)).toString()),
                    userColumns(""), null),
            new AdminOperation("usage", "show", List.of("USER"), List.of(),
                    (args, line) -> get("/api/v1/users/" + id(args.get(0)) + "/usage"),
                    List.of(new Column("PERIOD START", "/period/start"), new Column("USED", "/used"),
                            new Column("ALLOWANCE", "/allowance"), new Column("SHARE", "/share"),
                            new Column("STATE", "/state"), new Column("PLAN", "/plan/name"),
                            new Column("REASON", "/reason")), null),
            new AdminOperation("api-keys", "list", List.of("USER"), List.of(),
                    (args, line) -> get("/api/v1/users/" + id(args.get(0)) + "/api-keys"), apiKeyColumns(), null),
            new AdminOperation("api-keys", "issue", List.of("USER"), List.of("--role admin|user"),
                    (args, line) -> new ApiCall("POST", "/api/v1/users/" + id(args.get(0)) + "/api-keys",
                            JSON.createObjectNode().put("role", line.value("--role").orElse("user")).toString()),
                    issuedKeyColumns(), null),
            new AdminOperation("api-keys", "rotate", List.of("ID"), List.of(),
                    (args, line) -> new ApiCall("POST", "/api/v1/api-keys/" + id(args.get(0)) + "/rotate", null),
                    issuedKeyColumns(), null),
            new AdminOperation("api-keys", "revoke", List.of("ID"), List.of(),
                    (args, line) -> delete("/api/v1/api-keys/" + id(args.get(0))), apiKeyColumns(), null),
            new AdminOperation("claims", "list", List.of(), List.of(),
                    (args, line) -> get("/api/v1/claims"),
                    List.of(new Column("KIND", "/kind"), new Column("NAME", "/name"), new Column("USER", "/user"),
                            new Column("RESERVED", "/reserved"), new Column("VERIFIED", "/verified"),
                            new Column("LAST USED", "/lastUsed")), null),
            new AdminOperation("claims", "release", List.of("KIND", "NAME"), List.of(),
                    (args, line) -> delete("/api/v1/claims/" + segment(args.get(0)) + "/" + segment(args.get(1))),
                    List.of(new Column("KIND", "/kind"), new Column("NAME", "/name"), new Column("USER", "/user")),
                    null),
            new AdminOperation("certificates", "list", List.of(), List.of(),
                    (args, line) -> get("/api/v1/certificates"), certificateColumns(""), null),
            new AdminOperation("certificates", "request", List.of("DOMAIN"), List.of(),
                    (args, line) -> new ApiCall("POST", "/api/v1/certificates",
                            JSON.createObjectNode().put("domain", args.get(0)).toString()),
                    certificateColumns(""), null),
            new AdminOperation("certificates", "delete", List.of("NAME"), List.of(),
                    (args, line) -> delete("/api/v1/certificates/" + segment(args.get(0))), List.of(),
                    "deleted certificate %s"),
            new AdminOperation("audit", "list", List.of(), List.of("--limit N"),
                    (args, line) -> get("/api/v1/audit" + (line.value("--limit").isPresent()
                            ? "?limit=" + number("--limit", line.value("--limit").get()) : "")),
                    List.of(new Column("ID", "/id"), new Column("AT", "/at"), new Column("ACTOR", "/actor"),
                            new Column("ACTION", "/action"), new Column("TARGET", "/target"),
                            new Column("FROM", "/remoteAddress")), null),
            new AdminOperation("config", "reload", List.of(), List.of(),
                    (args, line) -> new ApiCall("POST", "/api/v1/reload", null),
                    List.of(new Column("APPLIED", "/applied"), new Column("NEEDS RESTART", "/needsRestart"),
                            new Column("FAILURES", "/failures")), null));

    private AdminOperations() {
    }

    static Optional<AdminOperation> find(String resource, String verb) {
        return ALL.stream().filter(o -> o.resource().equals(resource) && o.verb().equals(verb)).findFirst();
    }

    private static ApiCall createTunnel(List<String> args, CommandLine line) throws UsageException {
        ObjectNode body = JSON.createObjectNode().put("name", args.get(0));
        line.value("--type").ifPresent(type -> body.put("type", type));
        if (line.value("--remote-port").isPresent()) {
            body.put("remotePort", number("--remote-port", line.value("--remote-port").get()));
        }
        line.value("--local").ifPresent(target -> body.put("localTarget", target));
        line.value("--subdomain").ifPresent(label -> body.put("subdomain", label));
        if (!line.all("--domain").isEmpty()) {
            ArrayNode domains = body.putArray("customDomains");
            line.all("--domain").forEach(domains::add);
        }
        if (line.value("--owner").isPresent()) {
            body.put("ownerId", number("--owner", line.value("--owner").get()));
        }
        if (line.has("--disabled")) {
            body.put("enabled", false);
        }
        return new ApiCall("POST", "/api/v1/tunnels", body.toString());
    }

    /**
     * A plan's limits come from a JSON file (or {@code -} for stdin) in the API's field names, as docs/plans.md shows
     * them: a plan has too many to spell as options.
     */
    private static ApiCall createPlan(List<String> args, CommandLine line) throws UsageException {
        ObjectNode body = JSON.createObjectNode();
        Optional<String> file = line.value("--limits");
        if (file.isPresent()) {
            try {
                JsonNode limits = JSON.readTree(file.get().equals("-") ? System.in.readAllBytes()
                        : Files.readAllBytes(Path.of(file.get())));
                if (limits == null || !limits.isObject()) {
                    throw new UsageException("--limits " + file.get() + ": expected a JSON object of plan limits");
                }
                body.setAll((ObjectNode) limits);
            } catch (IOException e) {
                throw new UsageException("--limits " + file.get() + ": " + e.getMessage());
            }
        }
        body.put("name", args.get(0));
        return new ApiCall("POST", "/api/v1/plans", body.toString());
    }

    /** {@code default} puts the user back on the default plan. */
    private static ObjectNode planChoice(String plan) throws UsageException {
        ObjectNode body = JSON.createObjectNode();
        if (plan.equals("default")) {
            body.putNull("planId");
        } else {
            body.put("planId", number("PLAN", plan));
        }
        return body;
    }

    private static List<Column> planColumns() {
        return List.of(new Column("ID", "/id"), new Column("NAME", "/name"), new Column("DEFAULT", "/default"),
                new Column("TRAFFIC/MONTH", "/monthlyTraffic"), new Column("AT LIMIT", "/atLimit"),
                new Column("TUNNELS", "/tunnelsPerUser"), new Column("CLIENTS", "/clientsPerUser"),
                new Column("TYPES", "/tunnelTypes"), new Column("CUSTOM DOMAINS", "/customDomains"));
    }

    private static List<Column> certificateColumns(String at) {
        return List.of(new Column("NAME", at + "/name"), new Column("SOURCE", at + "/source"),
                new Column("ORIGIN", at + "/origin"), new Column("STATE", at + "/state"),
                new Column("NOT AFTER", at + "/notAfter"), new Column("ISSUER", at + "/issuer"),
                new Column("RETRY AT", at + "/retryAt"), new Column("LAST ERROR", at + "/lastError"));
    }

    private static List<Column> apiKeyColumns() {
        return List.of(new Column("ID", "/id"), new Column("USER", "/userId"), new Column("ROLE", "/role"),
                new Column("PREFIX", "/prefix"), new Column("CREATED", "/created"), new Column("REVOKED", "/revoked"));
    }

    private static List<Column> issuedKeyColumns() {
        return List.of(new Column("ID", "/id"), new Column("ROLE", "/role"), new Column("PREFIX", "/prefix"),
                new Column("KEY (shown once)", "/key"));
    }

    private static List<Column> userColumns(String at) {
        return List.of(new Column("ID", at + "/id"), new Column("NAME", at + "/name"),
                new Column("STATUS", at + "/status"), new Column("PLAN", at + "/planId"),
                new Column("EXPIRES", at + "/expiresAt"), new Column("CREATED", at + "/created"));
    }

    private static List<Column> tokenColumns(String at) {
        return List.of(new Column("ID", at + "/id"), new Column("USER", at + "/userId"),
                new Column("PREFIX", at + "/prefix"), new Column("CREATED", at + "/created"),
                new Column("LAST USED", at + "/lastUsed"), new Column("REVOKED", at + "/revoked"));
    }

    private static List<Column> tunnelColumns(String at) {
        return List.of(new Column("ID", at + "/id"), new Column("OWNER", at + "/ownerId"),
                new Column("NAME", at + "/name"), new Column("TYPE", at + "/type"),
                new Column("PORT", at + "/remotePort"), new Column("SUBDOMAIN", at + "/subdomain"),
                new Column("DOMAINS", at + "/customDomains"), new Column("TARGET", at + "/localTarget"),
                new Column("ENABLED", at + "/enabled"));
    }

    private static List<Column> append(List<Column> columns, Column... more) {
        return Stream.concat(columns.stream(), Arrays.stream(more)).toList();
    }

    /** One path segment, encoded: session ids and host names are passed as the user typed them. */
    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static ApiCall get(String path) {
        return new ApiCall("GET", path, null);
    }

    private static ApiCall delete(String path) {
        return new ApiCall("DELETE", path, null);
    }

    /** Ids are numbers in the API: a name where an id belongs is a usage error here, not a 404 there. */
    private static String id(String value) throws UsageException {
        return Long.toString(number("an id", value));
    }

    private static long number(String what, String value) throws UsageException {
        try {
            long number = Long.parseLong(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(what + ": expected a positive number, got \"" + value + "\"");
    }
}
