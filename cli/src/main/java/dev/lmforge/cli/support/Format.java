package dev.lmforge.cli.support;

import com.google.protobuf.Timestamp;

import dev.lmforge.api.v1.JobStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How numbers, sizes and times read on a terminal. */
public final class Format {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Format() {
    }

    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }

    public static String count(long n) {
        return String.format("%,d", n);
    }

    /** SageMaker's names: InProgress, Completed, Failed, Stopping, Stopped. */
    /** A job's status as SageMaker writes it: InProgress, Completed, Failed, Stopping, Stopped (Pending before it has one). */
    public static String status(JobStatus status) {
        return switch (status) {
            case JOB_STATUS_IN_PROGRESS -> "InProgress";
            case JOB_STATUS_COMPLETED -> "Completed";
            case JOB_STATUS_FAILED -> "Failed";
            case JOB_STATUS_STOPPING -> "Stopping";
            case JOB_STATUS_STOPPED -> "Stopped";
            default -> "Pending";
        };
    }

    /** The status a name of {@link #status} stands for (any case), for filters such as {@code --status Completed}. */
    public static JobStatus parseStatus(String name) {
        for (JobStatus s : JobStatus.values()) {
            if (s != JobStatus.UNRECOGNIZED && s != JobStatus.JOB_STATUS_UNSPECIFIED && status(s).equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("--status must be InProgress, Completed, Failed, Stopping or Stopped, not " + name);
    }

    public static String time(Timestamp t) {
        return TIME.format(Instant.ofEpochSecond(t.getSeconds(), t.getNanos()));
    }
}
