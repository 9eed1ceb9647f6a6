package dev.lmforge.common.testing;

import dev.lmforge.common.errors.LmForgeException;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Another tenant's resource must read as a missing one: no hint that it exists elsewhere. */
public final class TenantAssertions {

    private TenantAssertions() {
    }

    /** {@code missing} asks for a resource that exists nowhere; each of {@code elsewhere} for one of another tenant. */
    public static void assertAnswersAsMissing(Executable missing, Executable... elsewhere) {
        LmForgeException expected = assertThrows(LmForgeException.class, missing);
        assertEquals(LmForgeException.Kind.NOT_FOUND, expected.kind());
        for (Executable call : elsewhere) {
            LmForgeException e = assertThrows(LmForgeException.class, call);
            assertEquals(LmForgeException.Kind.NOT_FOUND, e.kind());
            assertEquals(expected.getMessage(), e.getMessage(), "no hint that the resource exists elsewhere");
        }
    }
}
