package dev.lmforge.common.naming;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JobStatusNamesTest {

    /** The shape of the generated dev.lmforge.api.v1.JobStatus, which common does not see. */
    private enum JobStatus { JOB_STATUS_UNSPECIFIED, JOB_STATUS_IN_PROGRESS, JOB_STATUS_COMPLETED, JOB_STATUS_FAILED, JOB_STATUS_STOPPING,
        JOB_STATUS_STOPPED, UNRECOGNIZED }

    private enum Other { OTHER_VALUE }

    @Test
    void namesAreSageMakers() {
        assertEquals(Optional.of("InProgress"), JobStatusNames.of(JobStatus.JOB_STATUS_IN_PROGRESS));
        assertEquals(Optional.of("Completed"), JobStatusNames.of(JobStatus.JOB_STATUS_COMPLETED));
        assertEquals(Optional.of("Failed"), JobStatusNames.of(JobStatus.JOB_STATUS_FAILED));
        assertEquals(Optional.of("Stopping"), JobStatusNames.of(JobStatus.JOB_STATUS_STOPPING));
        assertEquals(Optional.of("Stopped"), JobStatusNames.of(JobStatus.JOB_STATUS_STOPPED));
    }

    @Test
    void unspecifiedAndUnknownValuesHaveNoName() {
        assertEquals(Optional.empty(), JobStatusNames.of(JobStatus.JOB_STATUS_UNSPECIFIED));
        assertEquals(Optional.empty(), JobStatusNames.of(JobStatus.UNRECOGNIZED));
    }

    @Test
    void anotherEnumIsAMistake() {
        assertThrows(IllegalArgumentException.class, () -> JobStatusNames.of(Other.OTHER_VALUE));
    }
}
