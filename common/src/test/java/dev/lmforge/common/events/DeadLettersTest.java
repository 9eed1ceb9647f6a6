package dev.lmforge.common.events;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI reads dead letters without depending on common: its copy of the names must be these. */
class DeadLettersTest {

    @Test
    void theCliNamesTheSameTopicsAndHeaders() throws Exception {
        String cli = Files.readString(Path.of("../cli/src/main/java/dev/lmforge/cli/deadletters/DeadLetterTopics.java"));
        for (String[] constant : new String[][] {{"TOPIC_PREFIX", DeadLetters.TOPIC_PREFIX}, {"REASON", DeadLetters.REASON},
                {"ORIGINAL_TOPIC", DeadLetters.ORIGINAL_TOPIC}, {"MESSAGE", DeadLetters.MESSAGE}}) {
            String declaration = "static final String " + constant[0] + " = \"" + constant[1] + "\";";
            assertTrue(cli.contains(declaration), "DeadLetterTopics must declare " + declaration);
        }
    }
}
