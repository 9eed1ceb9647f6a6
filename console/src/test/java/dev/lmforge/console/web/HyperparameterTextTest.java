package dev.lmforge.console.web;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HyperparameterTextTest {

    @Test
    void oneNameValueALineWithCommentsAndBlankLinesSkipped() {
        assertEquals(Map.of("epochs", "3", "learning_rate", "0.003"),
                TrainingJobsResource.hyperparameters("# a small model\r\nepochs = 3\n\n learning_rate=0.003 \n"));
    }

    @Test
    void aLineWithoutNameAndValueIsRefusedWithItsNumber() {
        var e = assertThrows(IllegalArgumentException.class, () -> TrainingJobsResource.hyperparameters("epochs=3\nhidden 128"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }
}
