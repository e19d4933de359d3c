package dev.portway.admin.health;

import dev.portway.admin.problem.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeoutException;

/**
 * Logs what readiness probes find out about the database, once per change: a probe every few seconds during an
 * outage must not repeat it (nor its stack trace) each time. One WARN line naming the cause when the database goes
 * down, one INFO line when it answers again; nothing while the state stays. The first probe that finds it up logs
 * nothing, as start-up already said so.
 *
 * <p>Threading: any thread; probes may complete concurrently, and only the one that changes the state logs, in
 * order.
 */
final class DatabaseStateLog {
    private static final Logger log = LoggerFactory.getLogger(DatabaseStateLog.class);

    private enum State { UNKNOWN, UP, DOWN }

    private final long timeoutSeconds;
    private State state = State.UNKNOWN;

    /** @param timeoutSeconds how long a probe waits for the database, named when it gave up waiting */
    DatabaseStateLog(long timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * Records one probe's outcome.
     *
     * @param failure why the database did not answer, or null when it did
     * @return whether the state changed (and a line was logged, except for the first "up")
     */
    synchronized boolean observed(Throwable failure) {
        // Logging under the lock keeps the lines in the order of the changes; changes are rare.
        State now = failure == null ? State.UP : State.DOWN;
        State before = state;
        state = now;
        if (before == now) {
            return false;
        }
        if (now == State.DOWN) {
            log.warn("Readiness: database down: {}", describe(failure));
        } else if (before == State.DOWN) {
            log.info("Readiness: database answers again");
        }
        return true;
    }

    /** The cause in one line: the innermost message, without the wrappers futures add. */
    String describe(Throwable failure) {
        Throwable cause = Problems.unwrap(failure);
        if (cause instanceof TimeoutException) {
            return "no answer within " + timeoutSeconds + " s";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
