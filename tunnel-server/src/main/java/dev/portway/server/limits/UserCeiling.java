package dev.portway.server.limits;

import dev.portway.server.auth.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;

/**
 * Counts what the sessions of each user hold together of one kind (open tunnel streams, UDP flows) against a
 * ceiling. A user is who {@link Principal#sameUser} says, whichever of its tokens a session logged in with; a user's
 * entry exists only while it holds something, so the map is as large as the set of users busy right now.
 *
 * <p>Refusals are logged at WARN, at most {@link #LOGGED_PER_MINUTE} a minute per ceiling for the whole server, the
 * next line saying how many were held back: a flood of refused connections or spoofed datagrams adds no more.
 *
 * <p>Threading: any thread.
 */
public final class UserCeiling {
    private static final Logger log = LoggerFactory.getLogger(UserCeiling.class);
    private static final int LOGGED_PER_MINUTE = 10;

    /** What {@link Principal#sameUser} compares: the token does not matter. */
    private record User(String name, long id) {
        static User of(Principal principal) {
            return new User(principal.user(), principal.userId());
        }
    }

    private final String key;
    private final String what;
    private final ToIntFunction<Principal> max;
    private final ConcurrentHashMap<User, Integer> held = new ConcurrentHashMap<>();
    private final LogLimiter refusals = new LogLimiter(LOGGED_PER_MINUTE, 1, TimeUnit.MINUTES);

    /**
     * @param key  the setting, for log lines: {@code limits.streamsPerUser}
     * @param what what is counted, plural: {@code streams}
     */
    public UserCeiling(String key, String what, int max) {
        this(key, what, user -> max);
    }

    /** @param max each user's ceiling, read at each acquisition (a plan may set it per user, and change it) */
    public UserCeiling(String key, String what, ToIntFunction<Principal> max) {
        this.key = key;
        this.what = what;
        this.max = max;
    }

    /** Takes one unit for {@code user}; null when the user holds {@code max} already. */
    public Ticket tryAcquire(Principal user) {
        User key = User.of(user);
        int ceiling = max.applyAsInt(user);
        boolean[] taken = new boolean[1];
        held.compute(key, (u, count) -> {
            int now = count == null ? 0 : count;
            if (now >= ceiling) {
                return count;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0] ? new Ticket(key) : null;
    }

    /** Units {@code user} holds right now. */
    public int held(Principal user) {
        return held.getOrDefault(User.of(user), 0);
    }

    /** Users holding anything right now. */
    int users() {
        return held.size();
    }

    /** Logs that {@code user} was refused a unit, unless too many refusals were logged this minute. */
    public void logRefused(String context, Principal user) {
        long heldBack = refusals.acquire();
        if (heldBack >= 0) {
            log.warn("[{}] refused: user {} holds {} {}, as many as {} allows{}", context, user.user(), held(user), what,
                    key,
                    heldBack > 0 ? " (" + heldBack + " earlier refusals of " + key + " not logged)" : "");
        }
    }

    /** One unit held by one user; giving it back twice gives back one. */
    public final class Ticket {
        private final User user;
        private final AtomicBoolean returned = new AtomicBoolean();

        private Ticket(User user) {
            this.user = user;
        }

        public void release() {
            if (returned.compareAndSet(false, true)) {
                held.computeIfPresent(user, (u, count) -> count <= 1 ? null : count - 1);
            }
        }
    }
}
