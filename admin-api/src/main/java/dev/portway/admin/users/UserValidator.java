package dev.portway.admin.users;

import dev.portway.admin.problem.ApiException;
import dev.portway.storage.apikeys.ApiKeyRole;
import dev.portway.storage.users.UserStatus;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/** The rules for user fields; the first broken rule is reported, naming its field. */
public final class UserValidator {
    /** Readable in logs and audit rows, no spaces or quotes to escape. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private UserValidator() {
    }

    /** Also the rule for plan names: the same readable identifiers. */
    public static String name(String name) {
        if (name == null) {
            throw ApiException.invalid("name", "required");
        }
        if (!NAME.matcher(name).matches()) {
            throw ApiException.invalid("name", "expected 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-',"
                    + " starting with a letter or digit");
        }
        return name;
    }

    /** @param field the request field that carries the role, for the problem's pointer */
    public static Optional<ApiKeyRole> apiKeyRole(String field, String role) {
        if (role == null) {
            return Optional.empty();
        }
        return Optional.of(Arrays.stream(ApiKeyRole.values()).filter(r -> r.dbName().equals(role)).findFirst()
                .orElseThrow(() -> ApiException.invalid(field, "expected one of admin, user")));
    }

    static Long planId(Long planId) {
        if (planId != null && planId <= 0) {
            throw ApiException.invalid("planId", "expected the id of a plan, or null for the default plan");
        }
        return planId;
    }

    /** @return null for never */
    static Instant expiresAt(String expiresAt) {
        if (expiresAt == null) {
            return null;
        }
        try {
            return Instant.parse(expiresAt);
        } catch (DateTimeParseException e) {
            throw ApiException.invalid("expiresAt", "expected an ISO-8601 instant such as 2027-01-31T00:00:00Z,"
                    + " or null for never");
        }
    }

    static UserStatus status(String status) {
        if (status == null) {
            throw ApiException.invalid("status", "required");
        }
        return Arrays.stream(UserStatus.values()).filter(s -> s.dbName().equals(status)).findFirst()
                .orElseThrow(() -> ApiException.invalid("status", "expected one of active, suspended, disabled"));
    }
}
