package dev.lmforge.common.security;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TenantKeyTest {

    @Test
    void theDefaultTenantsKeysAreTheBareIdsOfBefore() {
        assertEquals("news", TenantKey.encode("default", "news"));
        assertEquals(new TenantKey("default", "news"), TenantKey.decode("news"));
    }

    @Test
    void anotherTenantsKeysNameIt() {
        assertEquals("team-a:news", TenantKey.encode("team-a", "news"));
        assertEquals(new TenantKey("team-a", "news"), TenantKey.decode("team-a:news"));
    }
}
