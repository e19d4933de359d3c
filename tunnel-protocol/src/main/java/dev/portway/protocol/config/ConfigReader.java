package dev.portway.protocol.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one YAML configuration file into a tree and collects the problems found while the format's loader walks
 * it through {@link ConfigObject}s. Nothing stops at the first problem: the loader reads on with defaults, and
 * {@link #throwIfProblems()} reports them all together. Not thread-safe; one reader per load.
 */
public final class ConfigReader {
    // Duplicate keys are almost always a copy-paste mistake; the last one silently winning would hide it.
    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final String fileName;
    private final Path baseDir;
    private final JsonNode root;
    private final List<String> problems = new ArrayList<>();

    private ConfigReader(String fileName, Path baseDir, JsonNode root) {
        this.fileName = fileName;
        this.baseDir = baseDir;
        this.root = root;
    }

    /**
     * Reads and parses a file. Relative paths inside it resolve against the file's directory.
     *
     * @throws ConfigException if the file cannot be read or is not valid YAML (with line and column)
     */
    public static ConfigReader read(Path file) throws ConfigException {
        Path absolute = file.toAbsolutePath().normalize();
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        String text;
        try {
            text = Files.readString(absolute);
        } catch (NoSuchFileException e) {
            throw new ConfigException(absolute + ": cannot read: no such file");
        } catch (IOException e) {
            throw new ConfigException(absolute + ": cannot read: " + e);
        }
        return parse(name, text, absolute.getParent());
    }

    /** Parses YAML text that came from {@code fileName}; relative paths resolve against {@code baseDir}. */
    public static ConfigReader parse(String fileName, String yaml, Path baseDir) throws ConfigException {
        JsonNode root;
        try {
            root = MAPPER.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(fileName + ": " + syntaxError(e));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            // An empty file is an empty mapping: the loader then names every required field.
            root = JsonNodeFactory.instance.objectNode();
        }
        return new ConfigReader(fileName, baseDir, root);
    }

    private static String syntaxError(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                Mark mark = marked.getProblemMark();
                return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1)
                        + ": invalid YAML: " + marked.getProblem();
            }
        }
        JsonLocation at = e.getLocation();
        String what = e.getOriginalMessage();
        int newline = what.indexOf('\n');
        what = newline < 0 ? what : what.substring(0, newline);
        return at == null
                ? "invalid YAML: " + what
                : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": invalid YAML: " + what;
    }

    public String fileName() {
        return fileName;
    }

    /** The directory that relative paths in the file are resolved against. */
    public Path baseDir() {
        return baseDir;
    }

    /** The top-level mapping; any key outside {@code knownKeys} is reported as unknown. */
    public ConfigObject root(String... knownKeys) {
        return new ConfigObject(this, "", root, knownKeys);
    }

    /** Records {@code <file>: <path>: <expected>, got <found>}. */
    public void problem(String path, String expected, String found) {
        problem(path, expected + ", got " + found);
    }

    /** Records {@code <file>: <path>: <message>}, for problems that do not fit the expected/found shape. */
    public void problem(String path, String message) {
        problems.add(fileName + ": " + (path.isEmpty() ? "(top level)" : path) + ": " + message);
    }

    public boolean hasProblems() {
        return !problems.isEmpty();
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    public void throwIfProblems() throws ConfigException {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** How a found value is shown: strings quoted, other scalars as written, containers by kind. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "nothing";
        }
        if (node.isTextual()) {
            return quote(node.textValue());
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.asText();
    }

    static String quote(String s) {
        String shown = s.length() > 80 ? s.substring(0, 77) + "..." : s;
        StringBuilder b = new StringBuilder(shown.length() + 2).append('"');
        for (char c : shown.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < ' ') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** A secret is described by kind and length only, never by content. */
    static String describeSecret(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "nothing";
        }
        if (node.isTextual()) {
            return "a secret of " + node.textValue().length() + " characters";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.isNumber() ? "a number" : "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
