package dev.portway.protocol.cli;

import sun.misc.Signal;

/**
 * SIGHUP as "read your configuration again" ({@code systemctl reload}, {@code kill -HUP}). Without a handler the JVM
 * takes SIGHUP as a request to stop. {@code sun.misc.Signal} (module jdk.unsupported) is the only way Java 17 offers;
 * it runs the action on a thread of its own, so the action may block. javac warns about it on every build; the warning
 * cannot be suppressed, and this class keeps it to one place.
 */
public final class HangupSignal {
    private HangupSignal() {
    }

    /** Runs {@code action} on every SIGHUP from now on. */
    public static void onHangup(Runnable action) {
        Signal.handle(new Signal("HUP"), signal -> action.run());
    }
}
