package dev.portway.protocol.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One mapping of a configuration file at a known field path. Every getter reports a problem to the
 * {@link ConfigReader} instead of throwing, and returns the default (or {@code null} for a missing required
 * value) so that reading continues and all problems are collected. A key explicitly set to null ({@code key:} or
 * {@code key: ~}) counts as absent.
 */
public final class ConfigObject {
    private static final String DURATION_FORMS = "a duration such as 10s, 500ms, 2m, 1h or a number of seconds";

    private final ConfigReader reader;
    private final String path;
    private final JsonNode node;

    ConfigObject(ConfigReader reader, String path, JsonNode node, String[] knownKeys) {
        this.reader = reader;
        this.path = path;
        if (node != null && node.isObject()) {
            this.node = node;
            Set<String> known = new LinkedHashSet<>(Arrays.asList(knownKeys));
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!known.contains(name)) {
                    reader.problem(childPath(name), "unknown field; expected one of " + String.join(", ", known));
                }
            }
        } else {
            if (node != null && !node.isMissingNode() && !node.isNull()) {
                reader.problem(path, "expected a mapping", ConfigReader.describe(node));
            }
            this.node = JsonNodeFactory.instance.objectNode();
        }
    }

    public ConfigReader reader() {
        return reader;
    }

    /** The field path of this mapping, such as {@code tunnels[1]}; empty for the top level. */
    public String path() {
        return path;
    }

    /** The field path of a key in this mapping, such as {@code tunnels[1].local}. */
    public String childPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Whether the key is present with a non-null value. */
    public boolean has(String key) {
        return raw(key) != null;
    }

    private JsonNode raw(String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() || value.isMissingNode() ? null : value;
    }

    /** Reports a value that was read but failed a check of the format's own: {@code <path>: <expected>, got <value>}. */
    public void invalid(String key, String expected) {
        reader.problem(childPath(key), expected, ConfigReader.describe(raw(key)));
    }

    /** Reports a problem at a key with a free-form message. */
    public void problem(String key, String message) {
        reader.problem(childPath(key), message);
    }

    // ---- scalars ------------------------------------------------------------------------------------------

    /** An optional string; numbers are taken as written ({@code name: 22} is "22"). Null when absent. */
    public String string(String key) {
        JsonNode v = raw(key);
        if (v == null) {
            return null;
        }
        if (v.isTextual() || v.isIntegralNumber()) {
            return v.asText();
        }
        invalid(key, "expected a string");
        return null;
    }

    /** A required, non-blank string; null (and a problem) when absent, blank or not a string. */
    public String requiredString(String key) {
        String s = string(key);
        if (s == null && !has(key)) {
            invalid(key, "expected a non-empty string");
        } else if (s != null && s.isBlank()) {
            invalid(key, "expected a non-empty string");
            return null;
        }
        return s;
    }

    /**
     * A string that must never appear in a message: problems describe it by length only.
     *
     * @param minLength reported when the secret is shorter; 1 means merely non-empty
     */
    public String secret(String key, boolean required, int minLength) {
        JsonNode v = raw(key);
        return secretValue(childPath(key), v, required, minLength);
    }

    private String secretValue(String at, JsonNode v, boolean required, int minLength) {
        if (v == null) {
            if (required) {
                reader.problem(at, "expected a secret of at least " + minLength + " characters", "nothing");
            }
            return null;
        }
        if (!v.isTextual()) {
            reader.problem(at, "expected a secret string", ConfigReader.describeSecret(v));
            return null;
        }
        if (v.textValue().strip().length() < minLength) {
            reader.problem(at, "expected a secret of at least " + minLength + " characters",
                    ConfigReader.describeSecret(v));
            return null;
        }
        return v.textValue();
    }

    /** An integer in {@code [min, max]}; the default when absent. */
    public int integer(String key, int defaultValue, int min, int max) {
        JsonNode v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        String expected = max == Integer.MAX_VALUE
                ? "expected an integer of at least " + min
                : "expected an integer between " + min + " and " + max;
        if (!v.isIntegralNumber()) {
            invalid(key, expected);
            return defaultValue;
        }
        BigInteger n = v.bigIntegerValue();
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            invalid(key, expected);
            return defaultValue;
        }
        return n.intValue();
    }

    /** A number (integer or decimal) in {@code [min, max]}; the default when absent. */
    public double decimal(String key, double defaultValue, double min, double max) {
        JsonNode v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        if (!v.isNumber() || v.doubleValue() < min || v.doubleValue() > max || Double.isNaN(v.doubleValue())) {
            invalid(key, "expected a number between " + plain(min) + " and " + plain(max));
            return defaultValue;
        }
        return v.doubleValue();
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** {@code true} or {@code false}; the default when absent. */
    public boolean bool(String key, boolean defaultValue) {
        JsonNode v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        if (!v.isBoolean()) {
            invalid(key, "expected true or false");
            return defaultValue;
        }
        return v.booleanValue();
    }

    /** A duration in {@code [min, max]} ({@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}, or seconds); the default when absent. */
    public Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
        JsonNode v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        Duration d;
        try {
            if (v.isNumber()) {
                d = Durations.parse(v.decimalValue().toPlainString());
            } else if (v.isTextual()) {
                d = Durations.parse(v.textValue());
            } else {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            invalid(key, "expected " + DURATION_FORMS);
            return defaultValue;
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            invalid(key, "expected a duration between " + Durations.format(min) + " and " + Durations.format(max));
            return defaultValue;
        }
        return d;
    }

    /** A number of bytes in {@code [min, max]} ({@code 100MB}, {@code 512KB}, or bytes); the default when absent. */
    public long byteSize(String key, long defaultValue, long min, long max) {
        JsonNode v = raw(key);
        if (v == null) {
            return defaultValue;
        }
        String expected = "expected a size between " + ByteSizes.format(min) + " and " + ByteSizes.format(max)
                + " such as 100MB or 512KB";
        long bytes;
        try {
            bytes = ByteSizes.parse(v.isIntegralNumber() ? v.asText() : v.textValue());
        } catch (IllegalArgumentException e) {
            invalid(key, expected);
            return defaultValue;
        }
        if (bytes < min || bytes > max) {
            invalid(key, expected);
            return defaultValue;
        }
        return bytes;
    }

    /**
     * A {@code host:port}; with {@code defaultPort >= 1} a bare host is accepted too. Null when absent, with a
     * problem if {@code required}.
     */
    public HostPort hostPort(String key, boolean required, int defaultPort) {
        String expected = defaultPort >= 1 ? "expected host or host:port" : "expected host:port";
        String s = string(key);
        if (s == null) {
            if (!has(key) && required) {
                invalid(key, expected);
            }
            return null;
        }
        try {
            return HostPort.parse(s, defaultPort);
        } catch (IllegalArgumentException e) {
            // Shown as the text that was parsed: `local: 22` is the string "22" missing its host.
            reader.problem(childPath(key), expected, ConfigReader.quote(s));
            return null;
        }
    }

    /** A port set such as {@code 2000-3000,5353} (a single number is one port); the default when absent. */
    public PortRanges portRanges(String key, PortRanges defaultValue) {
        String s = string(key);
        if (s == null) {
            return defaultValue;
        }
        try {
            return PortRanges.parse(s);
        } catch (IllegalArgumentException e) {
            reader.problem(childPath(key), "expected ports and ranges such as 2000-3000,5353 within 1-65535",
                    ConfigReader.quote(s));
            return defaultValue;
        }
    }

    /** A file system path, resolved against the configuration file's directory when relative; null when absent. */
    public Path path(String key) {
        String s = string(key);
        if (s == null) {
            return null;
        }
        try {
            Path p = Path.of(s);
            return reader.baseDir() == null ? p : reader.baseDir().resolve(p).normalize();
        } catch (InvalidPathException e) {
            invalid(key, "expected a file path");
            return null;
        }
    }

    /** Like {@link #path} but the file must exist and be a regular file; the problem shows the resolved path. */
    public Path existingFile(String key, String what) {
        Path p = path(key);
        if (p != null && !Files.isRegularFile(p)) {
            reader.problem(childPath(key), "expected " + what + " that exists", ConfigReader.quote(p.toString()));
            return null;
        }
        return p;
    }

    /** One of a fixed set of words, such as a tunnel type; null when absent, with a problem if {@code required}. */
    public <E> E choice(String key, boolean required, Map<String, E> choices) {
        String expected = "expected one of " + String.join(", ", choices.keySet());
        JsonNode v = raw(key);
        if (v == null) {
            if (required) {
                invalid(key, expected);
            }
            return null;
        }
        E e = v.isTextual() ? choices.get(v.textValue()) : null;
        if (e == null) {
            invalid(key, expected);
        }
        return e;
    }

    // ---- containers ---------------------------------------------------------------------------------------

    /** A nested mapping; empty when absent (or not a mapping, which is reported). */
    public Optional<ConfigObject> object(String key, String... knownKeys) {
        JsonNode v = raw(key);
        if (v == null) {
            return Optional.empty();
        }
        ConfigObject o = new ConfigObject(reader, childPath(key), v, knownKeys);
        return v.isObject() ? Optional.of(o) : Optional.empty();
    }

    /** A list of mappings; items that are not mappings are reported and left out. Empty when absent. */
    public List<ConfigObject> objects(String key, String... knownKeys) {
        List<ConfigObject> out = new ArrayList<>();
        JsonNode list = list(key);
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            ConfigObject o = new ConfigObject(reader, childPath(key) + "[" + i + "]", item, knownKeys);
            if (item.isObject()) {
                out.add(o);
            } else if (item.isNull()) {
                reader.problem(childPath(key) + "[" + i + "]", "expected a mapping", "nothing");
            }
        }
        return out;
    }

    /**
     * A list of IP networks ({@link IpNetworks}), as written; one that does not parse, or more than {@code max}, is
     * reported. Empty when absent.
     */
    public List<String> ipNetworks(String key, int max) {
        List<String> networks = strings(key);
        if (networks.size() > max) {
            invalid(key, "expected at most " + max + " networks");
        }
        for (int i = 0; i < networks.size(); i++) {
            try {
                IpNetworks.parse(networks.get(i));
            } catch (IllegalArgumentException e) {
                problem(key + "[" + i + "]", e.getMessage());
            }
        }
        return networks;
    }

    /**
     * One string or a list of them ({@code server: a:7000} or {@code server: [a:7000, b:7000]}), each with its own
     * field path for problems ({@code server} or {@code server[1]}). Empty when absent.
     */
    public List<Map.Entry<String, String>> stringOrStrings(String key) {
        JsonNode v = raw(key);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            String s = string(key);
            return s == null ? List.of() : List.of(Map.entry(childPath(key), s));
        }
        List<Map.Entry<String, String>> out = new ArrayList<>();
        List<String> items = strings(key);
        for (int i = 0; i < items.size(); i++) {
            out.add(Map.entry(childPath(key) + "[" + i + "]", items.get(i)));
        }
        return out;
    }

    /** A list of strings; items that are not strings are reported and left out. Empty when absent. */
    public List<String> strings(String key) {
        List<String> out = new ArrayList<>();
        JsonNode list = list(key);
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            if (item.isTextual() || item.isIntegralNumber()) {
                out.add(item.asText());
            } else {
                reader.problem(childPath(key) + "[" + i + "]", "expected a string", ConfigReader.describe(item));
            }
        }
        return out;
    }

    /**
     * A mapping of free-form names to strings, such as HTTP headers to set; values that are not strings are
     * reported and left out. Empty when absent.
     */
    public Map<String, String> stringMap(String key) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        JsonNode v = raw(key);
        if (v == null) {
            return out;
        }
        if (!v.isObject()) {
            invalid(key, "expected a mapping");
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = v.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode item = field.getValue();
            if (item.isTextual() || item.isNumber() || item.isBoolean()) {
                out.put(field.getKey(), item.asText());
            } else {
                reader.problem(childPath(key) + "." + field.getKey(), "expected a string", ConfigReader.describe(item));
            }
        }
        return out;
    }

    /**
     * A list of secrets, each at least {@code minLength} characters; problems name the item's position and
     * length, never its content. Items with problems are left out. Empty when absent.
     */
    public List<String> secrets(String key, int minLength) {
        List<String> out = new ArrayList<>();
        JsonNode list = list(key);
        for (int i = 0; i < list.size(); i++) {
            String s = secretValue(childPath(key) + "[" + i + "]", list.get(i), true, minLength);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * One item of {@link #secretsOrMappings}: exactly one of {@code secret} and {@code mapping} is set.
     *
     * @param index the item's position in the list, from 0
     */
    public record SecretOrMapping(int index, String secret, ConfigObject mapping) {
    }

    /**
     * A list whose items may each be a secret string (checked as {@link #secrets} checks them) or a mapping with
     * {@code knownKeys}, such as {@code tokens: [<token>, {name: ci, token: <token>}]}: a list written before its
     * items could carry more than the secret keeps working. Items of another kind, and secrets with problems, are
     * reported and left out. Empty when absent.
     */
    public List<SecretOrMapping> secretsOrMappings(String key, int minLength, String... knownKeys) {
        List<SecretOrMapping> out = new ArrayList<>();
        JsonNode list = list(key);
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String at = childPath(key) + "[" + i + "]";
            if (item.isObject()) {
                out.add(new SecretOrMapping(i, null, new ConfigObject(reader, at, item, knownKeys)));
            } else if (item.isTextual()) {
                String secret = secretValue(at, item, true, minLength);
                if (secret != null) {
                    out.add(new SecretOrMapping(i, secret, null));
                }
            } else {
                reader.problem(at, "expected a secret string or a mapping with " + String.join(", ", knownKeys),
                        ConfigReader.describeSecret(item));
            }
        }
        return out;
    }

    private JsonNode list(String key) {
        JsonNode v = raw(key);
        if (v == null) {
            return JsonNodeFactory.instance.arrayNode();
        }
        if (!v.isArray()) {
            invalid(key, "expected a list");
            return JsonNodeFactory.instance.arrayNode();
        }
        return v;
    }
}
