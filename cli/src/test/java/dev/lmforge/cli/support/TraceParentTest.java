package dev.lmforge.cli.support;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceParentTest {

    @Test
    void onlyAW3cTraceParentIsSentOn() {
        String valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assertEquals(valid, TraceParent.valid(" " + valid + "\n").orElseThrow());
        assertTrue(TraceParent.valid(null).isEmpty());
        assertTrue(TraceParent.valid("00-00000000000000000000000000000000-00f067aa0ba902b7-01").isEmpty(), "an all-zero trace id is invalid");
        assertTrue(TraceParent.valid("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01").isEmpty(), "an all-zero span id is invalid");
        assertTrue(TraceParent.valid("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01").isEmpty(), "upper case is not W3C");
        assertTrue(TraceParent.valid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\nx: y").isEmpty());
    }
}
