package dev.portway.server.cli.admin;

import dev.portway.server.cli.CommandLine;
import dev.portway.server.cli.UsageException;

import java.util.List;
import java.util.Set;

/**
 * One command of {@code tunnel-server admin}: the words that select it, what it sends, and how the answer is printed.
 *
 * @param arguments names of its positional arguments, for the usage text
 * @param options   the options it reads besides the common ones, with their value placeholder for the usage text
 *                  ({@code "--type TYPE"}, or {@code "--disabled"} for a switch)
 * @param columns   the table of a JSON answer
 * @param done      what to print for an answer without a body (204), formatted with the arguments
 */
record AdminOperation(String resource, String verb, List<String> arguments, List<String> options, Request request,
                      List<TextTable.Column> columns, String done) {

    /** Builds the request from the positional arguments (as many as {@link #arguments}) and the options. */
    @FunctionalInterface
    interface Request {
        ApiCall build(List<String> arguments, CommandLine line) throws UsageException;
    }

    Set<String> optionNames() {
        return Set.copyOf(options.stream().map(o -> o.split(" ")[0]).toList());
    }

    String synopsis() {
        StringBuilder text = new StringBuilder(resource).append(' ').append(verb);
        arguments.forEach(a -> text.append(' ').append(a));
        options.forEach(o -> text.append(" [").append(o).append(']'));
        return text.toString();
    }
}
