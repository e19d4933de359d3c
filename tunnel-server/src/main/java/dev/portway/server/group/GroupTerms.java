package dev.portway.server.group;

import dev.portway.protocol.control.GroupOptions;
import dev.portway.server.auth.Principal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;

/**
 * What every member of a load-balancing group must share, whatever the group carries (a TCP port, HTTP routes): the
 * user who started it, its key and its balancing policy. The transport adds its own terms (the port, the routes).
 *
 * <p>Threading: immutable.
 */
public final class GroupTerms {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,64}");

    private final String name;
    private final byte[] key;
    private final Principal owner;
    private final LoadBalance policy;

    private GroupTerms(String name, byte[] key, Principal owner, LoadBalance policy) {
        this.name = name;
        this.key = key;
        this.owner = owner;
        this.policy = policy;
    }

    /** The terms {@code options} of {@code owner} set for a new group; the options must be {@link #invalid valid}. */
    public static GroupTerms of(GroupOptions options, Principal owner) {
        return new GroupTerms(options.name(), options.key().getBytes(StandardCharsets.UTF_8), owner,
                LoadBalance.parse(options.loadBalance()).orElseThrow());
    }

    /** Why {@code options} cannot name any group, or null when they can. */
    public static String invalid(GroupOptions options) {
        if (options.name() == null || !NAME.matcher(options.name()).matches()) {
            return "group must be 1 to 64 characters of a-z, A-Z, 0-9, ., _ and -";
        }
        if (options.key() == null || options.key().isEmpty()) {
            return "group " + options.name() + ": groupKey is required";
        }
        if (LoadBalance.parse(options.loadBalance()).isEmpty()) {
            return "group " + options.name() + ": loadBalance must be round-robin or least-connections, got "
                    + options.loadBalance();
        }
        return null;
    }

    public String name() {
        return name;
    }

    public LoadBalance policy() {
        return policy;
    }

    /** Whether a member registering again with {@code options} (as the same user) still names this group. */
    public boolean admitsAgain(GroupOptions options) {
        return options != null && name.equals(options.name()) && refusal(options, owner) == null;
    }

    /**
     * Why a tunnel of {@code principal} with {@code options} may not join, or null when these terms admit it. The
     * owner is checked first, so that another user learns nothing about the key. An absent loadBalance accepts the
     * group's policy.
     */
    public String refusal(GroupOptions options, Principal principal) {
        if (!owner.sameUser(principal)) {
            return "group " + name + " belongs to another user";
        }
        if (!MessageDigest.isEqual(key, options.key().getBytes(StandardCharsets.UTF_8))) {
            return "group " + name + ": wrong groupKey";
        }
        if (options.loadBalance() != null && LoadBalance.parse(options.loadBalance()).orElse(null) != policy) {
            return "group " + name + " balances " + policy.wireName() + ", not " + options.loadBalance();
        }
        return null;
    }
}
