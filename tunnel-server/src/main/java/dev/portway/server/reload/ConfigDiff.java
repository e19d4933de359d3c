package dev.portway.server.reload;

import dev.portway.server.config.ServerConfig;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The fields in which two readings of server.yaml differ, each classified as taken by the running server or
 * waiting for a restart. Walks the config records component by component (nested records field by field, lists and
 * maps as one value), so a setting added to a config record later is compared without touching this class, and
 * counts as needing a restart until someone makes it live and lists it in {@link #LIVE}.
 */
public final class ConfigDiff {
    /** Whether the running server takes a change. */
    public enum Effect { LIVE, RESTART }

    /** One changed setting, named by its path in server.yaml. Never carries the values: some are secrets. */
    public record Change(String field, Effect effect) {
    }

    /** The settings {@link LiveSettings} applies to the running server; a prefix covers every field below it. */
    static final Set<String> LIVE = Set.of("auth.tokens", "allowPorts", "proxyProtocol.trustedCidrs", "limits", "access",
            "http.maxHeaderSize", "http.requestHeaderTimeout", "http.idleTimeout", "http.responseTimeout",
            "http.bodyIdleTimeout", "http.errorPages", "https.certificates");

    /** Where a record's path differs from server.yaml's: the https section and the domain live in HttpConfig. */
    private static final Map<String, String> YAML_PATHS = Map.of(
            "http.domain", "domain",
            "http.httpPort", "http.port",
            "http.httpsPort", "https.port",
            "http.certificates", "https.certificates",
            "http.clientConnect", "https.clientConnect");

    private ConfigDiff() {
    }

    /** Every setting that differs, in the order of the records' components. */
    public static List<Change> between(ServerConfig running, ServerConfig next) {
        List<Change> changes = new ArrayList<>();
        compare("", running, next, changes);
        return changes;
    }

    private static void compare(String prefix, Record a, Record b, List<Change> changes) {
        for (RecordComponent component : a.getClass().getRecordComponents()) {
            Object left = value(component, a);
            Object right = value(component, b);
            if (Objects.equals(left, right)) {
                continue;
            }
            String path = prefix + component.getName();
            if (left instanceof Record l && right instanceof Record r && l.getClass() == r.getClass()) {
                compare(path + ".", l, r, changes);
            } else {
                String field = yamlPath(path);
                changes.add(new Change(field, isLive(field) ? Effect.LIVE : Effect.RESTART));
            }
        }
    }

    private static String yamlPath(String path) {
        for (Map.Entry<String, String> entry : YAML_PATHS.entrySet()) {
            if (path.equals(entry.getKey()) || path.startsWith(entry.getKey() + ".")) {
                return entry.getValue() + path.substring(entry.getKey().length());
            }
        }
        return path;
    }

    private static boolean isLive(String field) {
        return LIVE.stream().anyMatch(live -> field.equals(live) || field.startsWith(live + "."));
    }

    private static Object value(RecordComponent component, Record owner) {
        try {
            var accessor = component.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(owner);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component.getName() + " of " + owner.getClass(), e);
        }
    }
}
