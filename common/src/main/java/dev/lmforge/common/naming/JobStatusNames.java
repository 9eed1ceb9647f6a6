package dev.lmforge.common.naming;

import java.util.Locale;
import java.util.Optional;

/**
 * The names users read for the API's JobStatus values (common.proto): SageMaker's InProgress,
 * Completed, Failed, Stopping, Stopped. They are the enum's value names in CamelCase, so a status
 * added to the proto gets its name here without a change. Each service generates its own JobStatus
 * class, hence the enum is taken by its value names.
 */
public final class JobStatusNames {

    private static final String PREFIX = "JOB_STATUS_";

    private JobStatusNames() {
    }

    /** {@code JOB_STATUS_IN_PROGRESS} reads InProgress; empty for UNSPECIFIED and for a value this build does not know. */
    public static Optional<String> of(Enum<?> jobStatus) {
        String name = jobStatus.name();
        if (!name.startsWith(PREFIX)) {
            if (name.equals("UNRECOGNIZED")) {
                return Optional.empty();
            }
            throw new IllegalArgumentException(jobStatus.getDeclaringClass().getName() + "." + name + " is not a JobStatus");
        }
        if (name.equals(PREFIX + "UNSPECIFIED")) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder();
        for (String word : name.substring(PREFIX.length()).split("_")) {
            out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return Optional.of(out.toString());
    }
}
