package dev.lmforge.common.naming;

import dev.lmforge.common.errors.LmForgeException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourceNamesTest {

    @Test
    void acceptsSageMakerStyleNames() {
        assertTrue(ResourceNames.isValid("europarl-en"));
        assertTrue(ResourceNames.isValid("a"));
        assertTrue(ResourceNames.isValid("A1--b2"));
        assertTrue(ResourceNames.isValid("x".repeat(63)));
    }

    @Test
    void rejectsPathsAndOtherCharacters() {
        for (String bad : new String[] {"", "../x", "a/b", "-a", "a-", "a_b", "a.b", "a b", "é", "x".repeat(64)}) {
            assertFalse(ResourceNames.isValid(bad), bad);
        }
        var e = assertThrows(LmForgeException.class, () -> ResourceNames.requireValid("corpus name", "../x"));
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("'../x' is invalid"), e.getMessage());
    }

    @Test
    void generatedNamesAreValidAndDistinct() {
        String a = ResourceNames.generate("corpus");
        assertTrue(ResourceNames.isValid(a) && a.startsWith("corpus-"), a);
        assertFalse(a.equals(ResourceNames.generate("corpus")) && a.equals(ResourceNames.generate("corpus")));
    }
}
