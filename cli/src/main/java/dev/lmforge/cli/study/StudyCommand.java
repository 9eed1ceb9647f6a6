package dev.lmforge.cli.study;

import dev.lmforge.api.v1.CreateStudyRequest;
import dev.lmforge.api.v1.DescribeStudyRequest;
import dev.lmforge.api.v1.GetStudyReportRequest;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.ListStudiesRequest;
import dev.lmforge.api.v1.ListStudiesResponse;
import dev.lmforge.api.v1.ReportFile;
import dev.lmforge.api.v1.Study;
import dev.lmforge.api.v1.StudyBudget;
import dev.lmforge.api.v1.StudyRun;
import dev.lmforge.api.v1.StudyServiceGrpc;
import dev.lmforge.api.v1.StudySpec;
import dev.lmforge.cli.support.CliErrors;
import dev.lmforge.cli.support.Format;
import dev.lmforge.cli.support.Output;
import dev.lmforge.cli.support.ProgressBar;
import io.quarkus.grpc.GrpcClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "study", mixinStandardHelpOptions = true,
        description = "Studies: the jobs that answer five questions about a corpus (stop words, tokens, parameters, data, baselines) and their report.",
        subcommands = {StudyCommand.Run.class, StudyCommand.Describe.class, StudyCommand.ListStudies.class, StudyCommand.Report.class})
public class StudyCommand {

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Starts a study, shows its progress until it ends, then saves its report under --out.")
    static class Run implements Callable<Integer> {

        @GrpcClient("tuner")
        StudyServiceGrpc.StudyServiceBlockingStub studies;

        @Option(names = "--corpus", required = true, description = "Corpus to study.")
        String corpus;

        @Option(names = "--budget", defaultValue = "small", description = "small (about 20 min on 2 CPU cores for the demo corpus), medium or large (GPU trainers).")
        String budget;

        @Option(names = "--name", description = "Study name (default: study-CORPUS-TIME); its datasets and jobs are named after it.")
        String name;

        @Option(names = "--out", defaultValue = "studies", description = "Where the report goes: OUT/NAME/report.md and its pictures.")
        Path out;

        @Option(names = "--no-wait", description = "Start the study and return.")
        boolean noWait;

        @Override
        public Integer call() throws Exception {
            String studyName = name != null ? name : String.format(Locale.ROOT, "study-%s-%d", corpus, Instant.now().getEpochSecond() % 100000);
            Study study = studies.createStudy(CreateStudyRequest.newBuilder().setSpec(StudySpec.newBuilder().setStudyName(studyName)
                    .setCorpusId(corpus).setBudget(budget(budget))).build());
            System.out.printf("study %s started on corpus %s, budget %s%n", studyName, corpus, budget);
            if (noWait) {
                return 0;
            }
            study = follow(studies, studyName);
            if (study.getReportFilesCount() == 0) {
                System.err.println("study " + studyName + " ended without a report: " + study.getFailureReason());
                return CliErrors.FAILED;
            }
            Path dir = download(studies, studyName, out);
            System.out.println();
            System.out.println(study.getSummary());
            System.out.printf("report: %s (local) and s3://%s/%s%n", dir.resolve("report.md"), study.getReportLocation().getBucket(),
                    study.getReportLocation().getKey());
            if (study.getStatus() != JobStatus.JOB_STATUS_COMPLETED) {
                System.err.println("some runs did not complete: " + study.getFailureReason());
                return CliErrors.FAILED;
            }
            return 0;
        }

        private static StudyBudget budget(String b) {
            return switch (b.toLowerCase(Locale.ROOT)) {
                case "small" -> StudyBudget.STUDY_BUDGET_SMALL;
                case "medium" -> StudyBudget.STUDY_BUDGET_MEDIUM;
                case "large" -> StudyBudget.STUDY_BUDGET_LARGE;
                default -> throw new IllegalArgumentException("--budget must be small, medium or large, got " + b);
            };
        }
    }

    /**
     * Follows a study until it ends: a progress bar of its runs (done of all) with the current
     * phase, and a line for each new phase and each failed run.
     */
    static Study follow(StudyServiceGrpc.StudyServiceBlockingStub studies, String name) throws InterruptedException {
        String lastPhase = "";
        Set<String> reportedFailures = new HashSet<>();
        long started = System.nanoTime();
        ProgressBar bar = null;
        while (true) {
            Study s = studies.describeStudy(DescribeStudyRequest.newBuilder().setStudyName(name).build());
            long done = s.getRunsList().stream().filter(r -> r.getStatus() == JobStatus.JOB_STATUS_COMPLETED).count();
            String phase = s.getPhase().isEmpty() ? Format.status(s.getStatus()) : s.getPhase();
            List<String> news = new ArrayList<>();
            if (!phase.equals(lastPhase)) {
                news.add(String.format(Locale.ROOT, "[%4.0fs] %s", (System.nanoTime() - started) / 1e9, phase));
                lastPhase = phase;
            }
            for (StudyRun r : s.getRunsList()) {
                if (r.getStatus() == JobStatus.JOB_STATUS_FAILED && reportedFailures.add(r.getId())) {
                    news.add(String.format("        %s (%s) failed: %s", r.getId(), r.getResource(), r.getFailureReason()));
                }
            }
            if (!news.isEmpty() && bar != null) {
                bar.finish("");
                bar = null;
            }
            news.forEach(System.err::println);
            if (s.getStatus() != JobStatus.JOB_STATUS_IN_PROGRESS) {
                if (bar != null) {
                    bar.finish("");
                }
                return s;
            }
            if (s.getRunsCount() > 0) {
                if (bar == null) {
                    bar = new ProgressBar("study", s.getRunsCount(), "runs");
                }
                bar.update(done, phase);
            }
            Thread.sleep(3000);
        }
    }

    static Path download(StudyServiceGrpc.StudyServiceBlockingStub studies, String name, Path out) throws IOException {
        Path dir = out.resolve(name);
        Files.createDirectories(dir);
        Iterator<ReportFile> files = studies.getStudyReport(GetStudyReportRequest.newBuilder().setStudyName(name).build());
        while (files.hasNext()) {
            ReportFile f = files.next();
            Files.write(dir.resolve(Path.of(f.getName()).getFileName()), f.getContent().toByteArray());
        }
        return dir;
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "A study's runs, their states and its summary.")
    static class Describe implements Runnable {

        @GrpcClient("tuner")
        StudyServiceGrpc.StudyServiceBlockingStub studies;

        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin
        Output output;

        @Override
        public void run() {
            Study s = studies.describeStudy(DescribeStudyRequest.newBuilder().setStudyName(name).build());
            if (output.json()) {
                Output.printJson(s);
                return;
            }
            System.out.printf("study %s on corpus %s, budget %s: %s%s%n", name, s.getSpec().getCorpusId(),
                    s.getSpec().getBudget().name().replace("STUDY_BUDGET_", "").toLowerCase(Locale.ROOT), Format.status(s.getStatus()),
                    s.getPhase().isEmpty() ? "" : " (" + s.getPhase() + ")");
            System.out.printf("%-16s %-12s %-44s %-12s %s%n", "RUN", "KIND", "RESOURCE", "STATUS", "QUESTIONS");
            for (StudyRun r : s.getRunsList()) {
                System.out.printf("%-16s %-12s %-44s %-12s %s%s%n", r.getId(), r.getKind(), r.getResource(), Format.status(r.getStatus()),
                        String.join(",", r.getQuestionsList()), r.getFailureReason().isEmpty() ? "" : "  " + r.getFailureReason());
            }
            if (!s.getFailureReason().isEmpty()) {
                System.out.println(s.getFailureReason());
            }
            if (!s.getSummary().isEmpty()) {
                System.out.println();
                System.out.print(s.getSummary());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every study, newest first.")
    static class ListStudies implements Runnable {

        @GrpcClient("tuner")
        StudyServiceGrpc.StudyServiceBlockingStub studies;

        @Mixin
        Output output;

        @Override
        public void run() {
            ListStudiesResponse all = studies.listStudies(ListStudiesRequest.getDefaultInstance());
            if (output.json()) {
                Output.printJson(all);
                return;
            }
            System.out.printf("%-40s %-24s %-8s %s%n", "NAME", "CORPUS", "BUDGET", "STATUS");
            for (Study s : all.getStudiesList()) {
                System.out.printf("%-40s %-24s %-8s %s%n", s.getSpec().getStudyName(), s.getSpec().getCorpusId(),
                        s.getSpec().getBudget().name().replace("STUDY_BUDGET_", "").toLowerCase(Locale.ROOT), Format.status(s.getStatus()));
            }
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "Saves a study's report (Markdown and pictures) under --out.")
    static class Report implements Callable<Integer> {

        @GrpcClient("tuner")
        StudyServiceGrpc.StudyServiceBlockingStub studies;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--out", defaultValue = "studies", description = "The report goes to OUT/NAME/.")
        Path out;

        @Override
        public Integer call() throws IOException {
            Path dir = download(studies, name, out);
            System.out.println("report: " + dir.resolve("report.md"));
            return 0;
        }
    }
}
