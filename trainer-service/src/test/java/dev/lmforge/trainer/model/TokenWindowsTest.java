package dev.lmforge.trainer.model;

import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenWindowsTest {

    @Test
    void everyPredictionIsInExactlyOneWindowAndPaddingIsIgnored() {
        for (int n : new int[] {0, 1, 2, 5, 37, 100, 101, 1000}) {
            for (int batch : new int[] {1, 3, 7}) {
                for (int bptt : new int[] {1, 4, 9}) {
                    int[] tokens = IntStream.range(0, n).map(i -> i * 7 + 3).toArray(); // token i encodes its position
                    TokenWindows windows = TokenWindows.of(tokens, batch, bptt);
                    boolean[] predicted = new boolean[Math.max(0, n - 1)];
                    long valid = 0;
                    for (TokenWindows.Window w : windows) {
                        int count = 0;
                        for (int k = 0; k < batch * bptt; k++) {
                            if (w.targets()[k] == TokenWindows.IGNORE) {
                                assertEquals(0, w.inputs()[k]);
                                continue;
                            }
                            int position = (w.inputs()[k] - 3) / 7;
                            assertEquals(tokens[position + 1], w.targets()[k], "target follows input");
                            assertTrue(!predicted[position], "prediction " + position + " appears twice");
                            predicted[position] = true;
                            count++;
                        }
                        assertEquals(count, w.validTokens());
                        valid += count;
                    }
                    assertEquals(Math.max(0, n - 1), valid, "n=" + n + " batch=" + batch + " bptt=" + bptt);
                    assertEquals(valid, windows.predictions());
                }
            }
        }
    }

    @Test
    void streamsAreContiguousAndReadBpttStepsAtATime() {
        int[] tokens = IntStream.range(0, 41).toArray(); // 40 predictions, 4 streams of 10
        TokenWindows windows = TokenWindows.of(tokens, 4, 3);
        assertEquals(4, windows.windowCount());
        TokenWindows.Window first = windows.window(0);
        assertArrayEquals(new int[] {0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32}, first.inputs());
        assertArrayEquals(new int[] {1, 2, 3, 11, 12, 13, 21, 22, 23, 31, 32, 33}, first.targets());
        TokenWindows.Window last = windows.window(3);
        assertArrayEquals(new int[] {9, 0, 0, 19, 0, 0, 29, 0, 0, 39, 0, 0}, last.inputs());
        assertArrayEquals(new int[] {10, -1, -1, 20, -1, -1, 30, -1, -1, 40, -1, -1}, last.targets());
        assertThrows(IndexOutOfBoundsException.class, () -> windows.window(4));
    }
}
