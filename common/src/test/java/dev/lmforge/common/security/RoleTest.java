package dev.lmforge.common.security;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoleTest {

    @Test
    void rolesIncludeTheOnesBelow() {
        assertTrue(Role.ADMIN.includes(Role.EDITOR));
        assertTrue(Role.EDITOR.includes(Role.VIEWER));
        assertFalse(Role.VIEWER.includes(Role.EDITOR));
        assertFalse(Role.EDITOR.includes(Role.ADMIN));
    }

    @Test
    void theHighestKnownGroupIsTheRole() {
        assertEquals(Optional.of(Role.EDITOR), Role.highest(List.of("offline_access", "viewer", "editor")));
        assertEquals(Optional.empty(), Role.highest(List.of("offline_access", "public")));
    }
}
