package dev.lmforge.common.paging;

import dev.lmforge.common.errors.LmForgeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PagingTest {

    private static final List<Integer> FIFTY = IntStream.range(0, 50).boxed().toList();

    @Test
    void pagesThroughEverythingOnce() {
        List<Integer> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            Paging.Page<Integer> page = Paging.window(token, 15).slice(FIFTY);
            seen.addAll(page.items());
            token = page.nextPageToken();
            pages++;
        } while (!token.isEmpty());
        assertEquals(FIFTY, seen);
        assertEquals(4, pages);
    }

    @Test
    void defaultsToTwentyAndEndsWithAnEmptyToken() {
        Paging.Page<Integer> first = Paging.window("", 0).slice(FIFTY);
        assertEquals(FIFTY.subList(0, 20), first.items());
        assertEquals("20", first.nextPageToken());
        Paging.Page<Integer> exact = Paging.window("30", 20).slice(FIFTY);
        assertEquals(FIFTY.subList(30, 50), exact.items());
        assertEquals("", exact.nextPageToken());
        assertEquals(new Paging.Page<>(List.of(), ""), Paging.window("", 0).slice(List.of()));
    }

    @Test
    void anOffsetPastTheEndIsAnEmptyLastPage() {
        assertEquals(new Paging.Page<>(List.of(), ""), Paging.window("50", 10).slice(FIFTY));
        assertEquals(new Paging.Page<>(List.of(), ""), Paging.window("2147483647", 100).slice(FIFTY));
    }

    @Test
    void rejectsHostileOffsetTokens() {
        for (String bad : new String[] {"-1", "-2147483648", "+5", "abc", "1.5", "1e3", " 5", "5 ", "05", "00", "0x10",
                "2147483648", "99999999999999999999", "١٢", "5\0", "../x", "a".repeat(10_000)}) {
            String message = invalid(() -> Paging.window(bad, 10).slice(FIFTY));
            assertTrue(message.contains("page_token"), message);
            assertTrue(message.length() < 200, "the message does not echo a huge token: " + message.length());
            assertTrue(message.chars().noneMatch(Character::isISOControl), message);
        }
    }

    @Test
    void rejectsHostileNameTokens() {
        assertEquals("", Paging.startAfter(""));
        assertEquals("europarl-en", Paging.startAfter("europarl-en"));
        for (String bad : new String[] {"../x", "a/b", "-a", "a b", "x".repeat(64), "a\0", "é"}) {
            assertTrue(invalid(() -> Paging.startAfter(bad)).contains("is not one this service returned"), bad);
        }
    }

    @Test
    void rejectsPageSizesOutsideTheRange() {
        assertEquals(20, Paging.pageSize(0));
        assertEquals(1, Paging.pageSize(1));
        assertEquals(100, Paging.pageSize(100));
        for (int bad : new int[] {-1, Integer.MIN_VALUE, 101, Integer.MAX_VALUE}) {
            assertTrue(invalid(() -> Paging.pageSize(bad)).contains("page_size must be between 0 and 100, got " + bad));
            assertTrue(invalid(() -> Paging.window("", bad).slice(FIFTY)).contains("page_size"));
        }
    }

    private static String invalid(Executable call) {
        var e = assertThrows(LmForgeException.class, call);
        assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, e.kind());
        return e.getMessage();
    }
}
