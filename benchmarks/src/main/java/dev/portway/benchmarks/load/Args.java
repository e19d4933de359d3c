package dev.portway.benchmarks.load;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** {@code --name value} options of one load tool command; every option has a default or is reported missing. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] argv, int from) {
        for (int i = from; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --name value, got " + a);
            }
            values.put(a.substring(2), argv[++i]);
        }
    }

    String string(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
    }

    int integer(String name) {
        return Integer.parseInt(string(name));
    }

    Duration seconds(String name, double fallback) {
        double s = values.containsKey(name) ? Double.parseDouble(values.get(name)) : fallback;
        return Duration.ofMillis((long) (s * 1000));
    }

    /** {@code host:port}. */
    java.net.InetSocketAddress address(String name) {
        String v = string(name);
        int colon = v.lastIndexOf(':');
        return new java.net.InetSocketAddress(v.substring(0, colon), Integer.parseInt(v.substring(colon + 1)));
    }
}
