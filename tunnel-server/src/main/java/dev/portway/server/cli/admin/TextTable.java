package dev.portway.server.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Prints JSON objects as a plain table: a header line, one line per object, columns padded to their widest value
 * and separated by two spaces, so that {@code awk} and {@code column} read it as well as people do.
 */
final class TextTable {
    /** @param pointer where the value is in a row, a JSON pointer such as {@code /tunnel/id} */
    record Column(String header, String pointer) {
    }

    private TextTable() {
    }

    /** @param rows an array (one line each) or a single object */
    static void print(List<Column> columns, JsonNode rows, PrintStream out) {
        List<List<String>> lines = new ArrayList<>();
        lines.add(columns.stream().map(Column::header).toList());
        Iterable<JsonNode> objects = rows.isArray() ? rows : List.of(rows);
        for (JsonNode row : objects) {
            lines.add(columns.stream().map(c -> text(row.at(c.pointer()))).toList());
        }
        int[] widths = new int[columns.size()];
        for (List<String> line : lines) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        for (List<String> line : lines) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                String cell = line.get(i);
                text.append(i == widths.length - 1 ? cell : String.format("%-" + widths[i] + "s  ", cell));
            }
            out.println(text.toString().stripTrailing());
        }
    }

    /** Missing and null are "-", so that every line has a word in every column. */
    private static String text(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return "-";
        }
        if (value.isArray()) {
            return value.isEmpty() ? "-" : StreamSupport.stream(value.spliterator(), false)
                    .map(TextTable::text).collect(Collectors.joining(","));
        }
        return value.asText();
    }
}
