package dev.lmforge.trainer.service;

import com.google.protobuf.util.Timestamps;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.SecondaryStatus;
import dev.lmforge.api.v1.SecondaryStatusTransition;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.common.naming.JobStatusNames;


/** SageMaker's status vocabulary and the secondary-status history of a job. */
final class JobStates {

    private JobStates() {
    }

    static boolean terminal(JobStatus status) {
        return status == JobStatus.JOB_STATUS_COMPLETED || status == JobStatus.JOB_STATUS_FAILED || status == JobStatus.JOB_STATUS_STOPPED;
    }

    static String name(JobStatus status) {
        return JobStatusNames.of(status).orElse("Unknown");
    }

    /**
     * Ends the current secondary status and starts the next one, now. The same status again (a job
     * waiting for a trainer, then started by one) only takes the new message: the history never
     * reads "Starting → Starting".
     */
    static TrainingJob.Builder transition(TrainingJob.Builder job, SecondaryStatus next, String message) {
        var now = Timestamps.now();
        int last = job.getSecondaryStatusTransitionsCount() - 1;
        if (last >= 0 && !job.getSecondaryStatusTransitions(last).hasEndTime() && job.getSecondaryStatusTransitions(last).getStatus() == next) {
            return job.setSecondaryStatus(next).setSecondaryStatusTransitions(last, job.getSecondaryStatusTransitions(last).toBuilder().setMessage(message));
        }
        if (last >= 0 && !job.getSecondaryStatusTransitions(last).hasEndTime()) {
            job.setSecondaryStatusTransitions(last, job.getSecondaryStatusTransitions(last).toBuilder().setEndTime(now));
        }
        return job.setSecondaryStatus(next).addSecondaryStatusTransitions(
                SecondaryStatusTransition.newBuilder().setStatus(next).setStartTime(now).setMessage(message));
    }
}
