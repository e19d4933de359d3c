package dev.portway.server.testkit;

import dev.portway.client.ClientEvents;
import dev.portway.client.config.ServerAddress;
import dev.portway.protocol.control.TunnelResult;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Client events kept for a test to wait on. */
public final class RecordingEvents implements ClientEvents {
    private final BlockingQueue<List<TunnelResult.Status>> registrations = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> refusals = new LinkedBlockingQueue<>();
    private final List<Long> retryDelays = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Boolean> healthChanges = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> disconnects = new LinkedBlockingQueue<>();
    private final BlockingQueue<Suspension> suspensions = new LinkedBlockingQueue<>();

    /** What the server said when it refused the user for a while. */
    public record Suspension(String reason, String liftsAt, long retryMillis) {
    }

    @Override
    public void onRegistered(ServerAddress server, List<TunnelResult.Status> statuses) {
        registrations.add(statuses);
    }

    @Override
    public void onAuthRefused(String reason) {
        refusals.add(reason);
    }

    @Override
    public void onHealthChanged(String tunnel, boolean healthy) {
        healthChanges.add(healthy);
    }

    @Override
    public void onDisconnected(String reason, long retryMillis) {
        retryDelays.add(retryMillis);
        disconnects.add(reason);
    }

    @Override
    public void onSuspended(String reason, String liftsAt, long retryMillis) {
        suspensions.add(new Suspension(reason, liftsAt, retryMillis));
    }

    /** Why the next disconnection happened, as the client saw it. */
    public String nextDisconnect(Duration timeout) throws InterruptedException {
        return next(disconnects, timeout, "disconnection");
    }

    public Suspension nextSuspension(Duration timeout) throws InterruptedException {
        return next(suspensions, timeout, "suspension");
    }

    /** The next registration answer; fails the test when none comes within {@code timeout}. */
    public List<TunnelResult.Status> nextRegistration(Duration timeout) throws InterruptedException {
        return next(registrations, timeout, "tunnel registration");
    }

    public String nextRefusal(Duration timeout) throws InterruptedException {
        return next(refusals, timeout, "authentication refusal");
    }

    /** Whether the next health change brought a tunnel back (true) or took it down (false). */
    public boolean nextHealthChange(Duration timeout) throws InterruptedException {
        return next(healthChanges, timeout, "health change");
    }

    /** The next of {@code events}; fails the test when none comes within {@code timeout}. */
    private static <T> T next(BlockingQueue<T> events, Duration timeout, String what) throws InterruptedException {
        T event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no " + what + " within " + timeout);
        }
        return event;
    }

    public List<Long> retryDelays() {
        return retryDelays;
    }
}
