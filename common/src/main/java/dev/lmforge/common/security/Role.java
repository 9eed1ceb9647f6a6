package dev.lmforge.common.security;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do, each role including the ones below it: a viewer reads and runs models, an
 * editor also creates and stops work, an admin also deletes, points endpoints and unloads models.
 * {@link #PUBLIC} is for calls that need no identity at all (health).
 */
public enum Role {
    PUBLIC, VIEWER, EDITOR, ADMIN;

    public boolean includes(Role required) {
        return compareTo(required) >= 0;
    }

    public String claimName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    /** The highest role among a token's groups; groups that are no role (e.g. an issuer's own) are ignored. */
    public static Optional<Role> highest(Collection<String> groups) {
        Role best = null;
        for (String group : groups) {
            for (Role role : values()) {
                if (role != PUBLIC && role.claimName().equals(group) && (best == null || role.includes(best))) {
                    best = role;
                }
            }
        }
        return Optional.ofNullable(best);
    }
}
