package dev.portway.admin.tunnels;

import java.util.regex.Pattern;

/** Host names as the API accepts them: lower case, at least two labels, each a DNS label. */
public final class HostNames {
    private static final Pattern HOST = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");

    private HostNames() {
    }

    public static boolean isHost(String lowerCase) {
        return HOST.matcher(lowerCase).matches();
    }

    /** An exact host, or a wildcard {@code *.example.org} over one label of a host. */
    public static boolean isHostOrWildcard(String lowerCase) {
        return isHost(lowerCase.startsWith("*.") ? lowerCase.substring(2) : lowerCase);
    }
}
