package dev.portway.monitor;

import java.util.Locale;

/** Enum constants as label values: lower case with underscores, as Prometheus users expect. */
final class LabelValue {
    private LabelValue() {
    }

    static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
