package dev.portway.server.cli.admin;

import dev.portway.server.cli.CommandLine;
import dev.portway.server.cli.UsageException;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code tunnel-server admin RESOURCE VERB [ARGS] [--url URL] [--key KEY] [--json]}: the REST admin API from a shell,
 * for operators without curl and jq at hand. The URL and key come from {@code PORTWAY_ADMIN_URL} and
 * {@code PORTWAY_API_KEY} unless given as options (an option shows in {@code ps}; the environment does not). Prints
 * a plain table, or with {@code --json} the API's answer as it came. Exit codes: 0 done, 1 the API refused or could
 * not be reached (its problem detail on stderr), 2 usage error.
 */
public final class AdminCommand {
    static final String URL_VARIABLE = "PORTWAY_ADMIN_URL";
    static final String KEY_VARIABLE = "PORTWAY_API_KEY";
    private static final Set<String> COMMON_VALUES = Set.of("--url", "--key");
    private static final Set<String> COMMON_SWITCHES = Set.of("--json", "--help", "-h");

    private AdminCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err, Map<String, String> env) {
        try {
            CommandLine line = CommandLine.parse(args, valueOptions(), switchOptions());
            if (line.has("--help") || line.has("-h")) {
                out.print(usage());
                return 0;
            }
            if (line.positional().size() < 2) {
                throw new UsageException("missing RESOURCE VERB");
            }
            String resource = line.positional().get(0);
            String verb = line.positional().get(1);
            AdminOperation operation = AdminOperations.find(resource, verb).orElseThrow(
                    () -> new UsageException("unknown command \"" + resource + " " + verb + "\""));
            List<String> arguments = line.positional().subList(2, line.positional().size());
            if (arguments.size() != operation.arguments().size()) {
                throw new UsageException("expected: admin " + operation.synopsis());
            }
            Set<String> foreign = new HashSet<>(line.given());
            foreign.removeAll(COMMON_VALUES);
            foreign.removeAll(COMMON_SWITCHES);
            foreign.removeAll(operation.optionNames());
            if (!foreign.isEmpty()) {
                throw new UsageException("admin " + resource + " " + verb + " takes no " + String.join(", ", foreign));
            }
            AdminClient client = new AdminClient(baseUrl(line, env), setting(line, env, "--key", KEY_VARIABLE));
            return call(client, operation, arguments, line, out, err);
        } catch (UsageException e) {
            err.println("tunnel-server admin: " + e.getMessage());
            err.print(usage());
            return 2;
        }
    }

    private static int call(AdminClient client, AdminOperation operation, List<String> arguments, CommandLine line,
                            PrintStream out, PrintStream err) throws UsageException {
        ApiCall request = operation.request().build(arguments, line);
        AdminClient.Reply reply;
        try {
            reply = client.send(request);
        } catch (IOException e) {
            err.println("tunnel-server admin: cannot reach the admin API (" + client + "): " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        if (!reply.ok()) {
            err.println("tunnel-server admin: " + reply.problem());
            return 1;
        }
        try {
            if (line.has("--json")) {
                if (!reply.body().isEmpty()) {
                    out.println(reply.body());
                }
            } else if (reply.body().isEmpty()) {
                out.println(String.format(operation.done(), arguments.toArray()));
            } else {
                TextTable.print(operation.columns(), reply.json(), out);
            }
        } catch (IOException e) {
            err.println("tunnel-server admin: the API answered " + reply.status() + " with something not JSON: "
                    + e.getMessage());
            return 1;
        }
        return 0;
    }

    private static String baseUrl(CommandLine line, Map<String, String> env) throws UsageException {
        String url = setting(line, env, "--url", URL_VARIABLE);
        try {
            URI uri = URI.create(url);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return url;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new UsageException("expected an admin URL such as http://127.0.0.1:7500, got \"" + url + "\"");
    }

    private static String setting(CommandLine line, Map<String, String> env, String option, String variable)
            throws UsageException {
        String value = line.value(option).orElse(env.get(variable));
        if (value == null || value.isBlank()) {
            throw new UsageException("set " + variable + " or pass " + option);
        }
        return value;
    }

    private static Set<String> valueOptions() {
        Set<String> options = new HashSet<>(COMMON_VALUES);
        AdminOperations.ALL.forEach(o -> o.options().stream().filter(s -> s.contains(" "))
                .forEach(s -> options.add(s.split(" ")[0])));
        return options;
    }

    private static Set<String> switchOptions() {
        Set<String> options = new HashSet<>(COMMON_SWITCHES);
        AdminOperations.ALL.forEach(o -> o.options().stream().filter(s -> !s.contains(" ")).forEach(options::add));
        return options;
    }

    static String usage() {
        return "Usage: tunnel-server admin RESOURCE VERB [ARGS] [--url URL] [--key KEY] [--json]\n"
                + AdminOperations.ALL.stream().map(o -> "  " + o.synopsis()).collect(Collectors.joining("\n"))
                + "\n  URL and KEY default to $" + URL_VARIABLE + " and $" + KEY_VARIABLE
                + "; USER and ID are numeric ids; --json prints the API's answer as it came\n";
    }
}
