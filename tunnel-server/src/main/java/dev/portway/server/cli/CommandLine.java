package dev.portway.server.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of a sub-command ({@code backup}, {@code restore}, {@code admin ...}): options that take a value
 * ({@code --to FILE}, repeatable), switches ({@code --force}) and positional words, in any order. {@code -c} is
 * {@code --config}, as in the launcher's own arguments.
 */
public record CommandLine(List<String> positional, Map<String, List<String>> values, Set<String> switches) {

    public static CommandLine parse(List<String> args, Set<String> valueOptions, Set<String> switchOptions)
            throws UsageException {
        List<String> positional = new ArrayList<>();
        Map<String, List<String>> values = new LinkedHashMap<>();
        Set<String> switches = new LinkedHashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i).equals("-c") ? "--config" : args.get(i);
            if (valueOptions.contains(arg)) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(arg + " needs a value");
                }
                values.computeIfAbsent(arg, k -> new ArrayList<>()).add(args.get(++i));
            } else if (switchOptions.contains(arg)) {
                switches.add(arg);
            } else if (arg.startsWith("-") && arg.length() > 1) {
                throw new UsageException("unknown option \"" + arg + "\"");
            } else {
                positional.add(arg);
            }
        }
        return new CommandLine(List.copyOf(positional), values, Set.copyOf(switches));
    }

    /** The last value given for {@code option}. */
    public Optional<String> value(String option) {
        List<String> given = values.getOrDefault(option, List.of());
        return given.isEmpty() ? Optional.empty() : Optional.of(given.get(given.size() - 1));
    }

    public String required(String option) throws UsageException {
        return value(option).orElseThrow(() -> new UsageException(option + " is required"));
    }

    public List<String> all(String option) {
        return values.getOrDefault(option, List.of());
    }

    public boolean has(String switchOption) {
        return switches.contains(switchOption);
    }

    /** Every option and switch given. */
    public Set<String> given() {
        Set<String> names = new LinkedHashSet<>(values.keySet());
        names.addAll(switches);
        return names;
    }

    /** Refuses words after the expected ones: {@code backup --to a.json b.json} is a mistake, not two files. */
    public void expectPositional(int count, String what) throws UsageException {
        if (positional.size() != count) {
            throw new UsageException(positional.size() < count ? "missing " + what
                    : "unexpected argument \"" + positional.get(count) + "\"");
        }
    }
}
