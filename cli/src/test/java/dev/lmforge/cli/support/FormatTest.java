package dev.lmforge.cli.support;

import dev.lmforge.api.v1.JobStatus;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FormatTest {

    @Test
    void statusNamesReadBackAsTheStatusTheyName() {
        for (JobStatus s : new JobStatus[] {JobStatus.JOB_STATUS_IN_PROGRESS, JobStatus.JOB_STATUS_COMPLETED, JobStatus.JOB_STATUS_FAILED,
                JobStatus.JOB_STATUS_STOPPING, JobStatus.JOB_STATUS_STOPPED}) {
            assertEquals(s, Format.parseStatus(Format.status(s)));
            assertEquals(s, Format.parseStatus(Format.status(s).toLowerCase()));
        }
        assertEquals("Pending", Format.status(JobStatus.JOB_STATUS_UNSPECIFIED));
        assertThrows(IllegalArgumentException.class, () -> Format.parseStatus("Done"));
    }
}
