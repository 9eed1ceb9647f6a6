package dev.lmforge.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The completion script, run by bash itself: it completes commands, sub-commands and options. */
class CompletionCommandTest {

    @Test
    void bashCompletesCommandsSubcommandsAndOptions(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("lmforge-completion.bash");
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, new CommandLine(new LmForgeCommand()).execute("completion", "bash"));
        } finally {
            System.setOut(stdout);
        }
        Files.write(script, printed.toByteArray());

        assertEquals("jobs", complete(script, "./lmforge", "jo"));
        assertEquals("demo", complete(script, "./lmforge", "dem"), "the script's own commands too");
        assertEquals("describe", complete(script, "lmforge", "jobs", "desc"));
        assertTrue(complete(script, "./lmforge", "jobs", "list", "--").contains("--output"), "the options of a sub-command");
    }

    /** What bash offers for the last word of {@code words}, as the completion function computes it. */
    private static String complete(Path script, String... words) throws Exception {
        String array = String.join(" ", words);
        Process bash = new ProcessBuilder("bash", "-c", "source '" + script + "'; COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + array + "'; _complete_lmforge; echo \"${COMPREPLY[*]}\"").redirectErrorStream(true).start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, bash.waitFor(), out);
        return out;
    }
}
