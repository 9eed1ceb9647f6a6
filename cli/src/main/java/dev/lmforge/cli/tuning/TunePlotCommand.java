package dev.lmforge.cli.tuning;

import dev.lmforge.api.v1.DescribeTuningJobRequest;
import dev.lmforge.api.v1.ObjectiveType;
import dev.lmforge.api.v1.Trial;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.api.v1.TuningServiceGrpc;
import dev.lmforge.cli.support.Charts;
import io.quarkus.grpc.GrpcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

@Command(name = "plot", mixinStandardHelpOptions = true,
        description = "PNG pictures of a tuning job: objective per trial with the best so far, and objective against each tuned parameter.")
public class TunePlotCommand implements Runnable {

    @GrpcClient("tuner")
    TuningServiceGrpc.TuningServiceBlockingStub tuning;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Default: the current directory.")
    Path dir = Path.of(".");

    @Override
    public void run() {
        TuningJob job = tuning.describeTuningJob(DescribeTuningJobRequest.newBuilder().setTuningJobName(name).build());
        try {
            for (Path p : TuningPlots.write(job, dir)) {
                System.out.println("wrote " + p.toAbsolutePath());
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing the pictures failed: " + e.getMessage(), e);
        }
    }

    /** The pictures of a tuning job; shared with the studies' report. */
    public static final class TuningPlots {

        private TuningPlots() {
        }

        public static List<Path> write(TuningJob job, Path dir) throws IOException {
            Files.createDirectories(dir);
            String metric = job.getSpec().getObjective().getMetricName();
            boolean maximize = job.getSpec().getObjective().getType() == ObjectiveType.OBJECTIVE_TYPE_MAXIMIZE;
            List<Trial> scored = job.getTrialsList().stream().filter(Trial::getHasObjectiveValue).toList();
            if (scored.isEmpty()) {
                throw new IllegalStateException("tuning job " + job.getSpec().getTuningJobName() + " has no trial with an objective yet");
            }
            List<Path> written = new ArrayList<>();
            double[][] perTrial = new double[2][scored.size()];
            double[][] best = new double[2][scored.size()];
            double bestSoFar = maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            for (int i = 0; i < scored.size(); i++) {
                double v = scored.get(i).getObjectiveValue();
                bestSoFar = maximize ? Math.max(bestSoFar, v) : Math.min(bestSoFar, v);
                perTrial[0][i] = best[0][i] = i + 1;
                perTrial[1][i] = v;
                best[1][i] = bestSoFar;
            }
            Map<String, double[][]> series = new LinkedHashMap<>();
            series.put("trial", perTrial);
            series.put("best so far", best);
            Path trials = dir.resolve(job.getSpec().getTuningJobName() + "-trials.png");
            Charts.lines("Tuning job " + job.getSpec().getTuningJobName(), "trial", metric, series, trials);
            written.add(trials);
            Set<String> tuned = new TreeSet<>();
            job.getSpec().getRanges().getContinuousList().forEach(r -> tuned.add(r.getName()));
            job.getSpec().getRanges().getIntegerList().forEach(r -> tuned.add(r.getName()));
            for (String p : tuned) {
                double[][] xy = new double[2][scored.size()];
                for (int i = 0; i < scored.size(); i++) {
                    xy[0][i] = Double.parseDouble(scored.get(i).getHyperparametersOrThrow(p));
                    xy[1][i] = scored.get(i).getObjectiveValue();
                }
                boolean log = job.getSpec().getRanges().getContinuousList().stream()
                        .anyMatch(r -> r.getName().equals(p) && r.getScalingType() == dev.lmforge.api.v1.ScalingType.SCALING_TYPE_LOGARITHMIC);
                Path file = dir.resolve(job.getSpec().getTuningJobName() + "-" + p + ".png");
                Charts.scatter(metric + " against " + p, p, metric, Map.of("trials", xy), file, log);
                written.add(file);
            }
            return written;
        }
    }
}
