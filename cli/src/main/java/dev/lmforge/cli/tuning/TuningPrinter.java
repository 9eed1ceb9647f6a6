package dev.lmforge.cli.tuning;

import dev.lmforge.api.v1.ParameterImportance;
import dev.lmforge.api.v1.Trial;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.cli.support.Format;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A tuning job and its trial table, for a person. */
final class TuningPrinter {

    private TuningPrinter() {
    }

    static void print(TuningJob job, PrintStream out) {
        out.printf("%-12s %s%n", "tuning job", job.getSpec().getTuningJobName());
        out.printf("%-12s %s (%s)%n", "status", Format.status(job.getStatus()), job.getTrialCountsByStatusMap());
        out.printf("%-12s %s %s, %s, %d trials, %d in parallel%n", "objective", job.getSpec().getObjective().getType().name()
                .replace("OBJECTIVE_TYPE_", "").toLowerCase(), job.getSpec().getObjective().getMetricName(),
                job.getSpec().getStrategy().name().replace("TUNING_STRATEGY_", "").toLowerCase(), job.getSpec().getMaxJobs(),
                job.getSpec().getMaxParallelJobs());
        Set<String> names = new TreeSet<>();
        job.getTrialsList().forEach(t -> names.addAll(t.getHyperparametersMap().keySet()));
        names.removeAll(job.getSpec().getStaticHyperparametersMap().keySet());
        List<String> columns = new ArrayList<>(names);
        StringBuilder header = new StringBuilder(String.format("%-28s %-13s %12s", "TRIAL", "STATUS", "OBJECTIVE"));
        columns.forEach(c -> header.append(String.format(" %14s", c.length() > 14 ? c.substring(0, 14) : c)));
        out.println(header);
        for (Trial t : job.getTrialsList()) {
            String status = Format.status(t.getStatus()) + (t.getEarlyStopped() ? "*" : "");
            StringBuilder row = new StringBuilder(String.format("%-28s %-13s %12s", t.getTrainingJobName(), status,
                    t.getHasObjectiveValue() ? String.format("%.4f", t.getObjectiveValue())
                            : t.getObjectiveCurveCount() > 0 ? String.format("(%.4f)", t.getObjectiveCurve(t.getObjectiveCurveCount() - 1)) : "-"));
            for (String c : columns) {
                String v = t.getHyperparametersOrDefault(c, "-");
                row.append(String.format(" %14s", v.length() > 14 ? v.substring(0, 14) : v));
            }
            if (job.hasBestTrial() && job.getBestTrial().getTrainingJobName().equals(t.getTrainingJobName())) {
                row.append("  <- best");
            }
            out.println(row);
        }
        if (job.getTrialsList().stream().anyMatch(Trial::getEarlyStopped)) {
            out.println("(* stopped early by the median rule; (x) = last reported objective)");
        }
        if (job.getParameterImportanceCount() > 0) {
            StringBuilder imp = new StringBuilder();
            for (ParameterImportance p : job.getParameterImportanceList()) {
                imp.append(imp.length() == 0 ? "" : ", ").append(String.format("%s %.0f%%", p.getName(), 100 * p.getImportance()));
            }
            out.printf("%-12s %s  (%s)%n", "importance", imp, job.getImportanceMethod());
        }
    }
}
