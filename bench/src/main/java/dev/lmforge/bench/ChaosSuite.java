package dev.lmforge.bench;

import dev.lmforge.api.v1.ContinuousParameterRange;
import dev.lmforge.api.v1.CreateTrainingJobRequest;
import dev.lmforge.api.v1.CreateTuningJobRequest;
import dev.lmforge.api.v1.DescribeTrainingJobRequest;
import dev.lmforge.api.v1.DescribeTuningJobRequest;
import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.InferenceServiceGrpc;
import dev.lmforge.api.v1.JobStatus;
import dev.lmforge.api.v1.ObjectiveType;
import dev.lmforge.api.v1.ParameterRanges;
import dev.lmforge.api.v1.PredictRequest;
import dev.lmforge.api.v1.SecondaryStatus;
import dev.lmforge.api.v1.SetEndpointModelRequest;
import dev.lmforge.api.v1.CheckpointConfig;
import dev.lmforge.api.v1.Trial;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.api.v1.TrainingJobSpec;
import dev.lmforge.api.v1.TrainingServiceGrpc;
import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.api.v1.TuningJobSpec;
import dev.lmforge.api.v1.TuningObjective;
import dev.lmforge.api.v1.TuningServiceGrpc;
import dev.lmforge.api.v1.TuningStrategy;
import dev.lmforge.common.events.KafkaLogin;
import dev.lmforge.common.events.Topics;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Runs the pipeline on the local platform (started by ./lmforge up) while killing its parts: two
 * training jobs and a six-trial tuning job train while the trainer, the tuner and the inference
 * service are killed with SIGKILL and restarted, the broker is restarted and S3 stops for a while,
 * and four clients keep asking the served model for predictions. In the full run the
 * preprocess-service is also killed during an upload and the tokenizer-service during a build.
 *
 * <p>Then it checks what users rely on: every job completed exactly once (one model.ready each, the
 * exact trial count), no model is visible without its manifest, and no client call hung (each has a
 * deadline; UNAVAILABLE during an outage is fine). Usage: ChaosSuite ROOT CORPUS full|reduced SEED.
 */
public final class ChaosSuite {

    private static final String BOOTSTRAP = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092");
    private static final String S3_ENDPOINT = System.getenv().getOrDefault("QUARKUS_S3_ENDPOINT_OVERRIDE", "http://127.0.0.1:19000");
    private static final Duration CALL = Duration.ofSeconds(10);

    private final Path root;
    private final Path corpus;
    private final boolean full;
    private final Random random;
    private final String run;
    private final Map<String, Double> recoverySeconds = new LinkedHashMap<>();
    private final List<String> faults = new ArrayList<>();
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    private ChaosSuite(Path root, Path corpus, boolean full, long seed) {
        this.root = root;
        this.corpus = corpus;
        this.full = full;
        this.random = new Random(seed);
        this.run = "chaos-" + Long.toHexString(System.currentTimeMillis() % 0xFFFFFFL);
    }

    public static void main(String[] args) throws Exception {
        ChaosSuite suite = new ChaosSuite(Path.of(args[0]), Path.of(args[1]), args[2].equals("full"), Long.parseLong(args[3]));
        System.exit(suite.runAll() ? 0 : 1);
    }

    private boolean runAll() throws Exception {
        long started = System.nanoTime();
        say("%s: %s run, seed-driven fault points", run, full ? "full" : "reduced");
        String corpusId = run;
        String dataset = run + "-word";
        if (full) {
            killDuringUpload();
        }
        cli("corpus", "ingest", "--name", corpusId, "--language", "en", "--lowercase", "--document-boundary", "blank-line", corpus.toString());
        cli("dataset", "create", "--corpus", corpusId, "--id", dataset, "--tokenizer", "word", "--vocab-size", "2000", "--min-count", "2");
        if (full) {
            killDuringBuild(corpusId);
        }

        String first = run + "-a";
        createJob(first, dataset, 2);
        TrainingJob a = awaitJob(first, j -> ended(j.getStatus()), Duration.ofMinutes(5));
        require(a.getStatus() == JobStatus.JOB_STATUS_COMPLETED, "job " + first + " completed before the faults: " + a.getFailureReason());
        String endpoint = run;
        inference().withDeadlineAfter(2, TimeUnit.MINUTES).setEndpointModel(SetEndpointModelRequest.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setName(endpoint).setModelVersion(first)).build());
        Load load = new Load(endpoint, 4);
        load.start();

        String second = run + "-b";
        String tuning = run + "-t";
        createJob(second, dataset, 12);
        tuner().withDeadlineAfter(2, TimeUnit.MINUTES).createTuningJob(CreateTuningJobRequest.newBuilder().setSpec(tuningSpec(tuning, dataset)).build());

        awaitTraining();
        sleepRandom(3000);
        crash("trainer-service");
        awaitTraining();
        outage("kafka", Duration.ofSeconds(4));
        awaitTraining();
        outage("s3", Duration.ofSeconds(6));
        awaitTrials(tuning, 3);
        crash("tuner-service");
        sleepRandom(2000);
        crash("inference-service");

        TrainingJob b = awaitJob(second, j -> ended(j.getStatus()), Duration.ofMinutes(15));
        TuningJob t = awaitTuning(tuning, Duration.ofMinutes(20));
        Thread.sleep(3000); // the last clients' calls after the outages
        load.stop();

        List<String> jobs = new ArrayList<>(List.of(first, second));
        t.getTrialsList().forEach(trial -> jobs.add(trial.getTrainingJobName()));
        Map<String, Integer> announced = modelReadyCounts(jobs);
        int completed = 0;
        int resumed = 0;
        int lost = 0;
        int duplicated = 0;
        List<String> problems = new ArrayList<>();
        for (String job : jobs) {
            TrainingJob j = training().withDeadlineAfter(CALL.toSeconds(), TimeUnit.SECONDS)
                    .describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(job).build());
            int n = announced.getOrDefault(job, 0);
            if (j.getSecondaryStatusTransitionsList().stream().anyMatch(tr -> tr.getStatus() == SecondaryStatus.SECONDARY_STATUS_RESTARTING)) {
                resumed++;
            }
            if (j.getStatus() == JobStatus.JOB_STATUS_COMPLETED && n >= 1) {
                completed++;
            } else {
                lost++;
                problems.add(job + " is " + j.getStatus() + " with " + n + " model.ready (" + j.getFailureReason() + ")");
            }
            if (n > 1) {
                duplicated++;
                problems.add(job + " was announced " + n + " times");
            }
        }
        if (t.getTrialsCount() != 6) {
            duplicated += Math.max(0, t.getTrialsCount() - 6);
            lost += Math.max(0, 6 - t.getTrialsCount());
            problems.add("tuning job " + tuning + " has " + t.getTrialsCount() + " trials, not 6");
        }
        if (t.getStatus() != JobStatus.JOB_STATUS_COMPLETED) {
            problems.add("tuning job " + tuning + " is " + t.getStatus());
        }
        List<String> halfWritten = modelsWithoutManifest(jobs);
        problems.addAll(halfWritten.stream().map(j -> "model of " + j + " is visible without its manifest").toList());
        problems.addAll(load.problems());

        System.out.println();
        System.out.println("faults injected:   " + faults.size() + "  " + String.join(", ", faults));
        System.out.printf(Locale.ROOT, "jobs completed:    %d of %d (2 training jobs, %d trials)%n", completed, jobs.size(), t.getTrialsCount());
        System.out.println("jobs resumed:      " + resumed + " (from a checkpoint, after their trainer died)");
        System.out.println("jobs lost:         " + lost);
        System.out.println("jobs duplicated:   " + duplicated);
        System.out.println("client calls:      " + load.summary());
        recoverySeconds.forEach((service, s) -> System.out.printf(Locale.ROOT, "recovery %-20s %.1f s%n", service, s));
        System.out.printf(Locale.ROOT, "chaos run took %.0f s%n", (System.nanoTime() - started) / 1e9);
        problems.forEach(p -> System.out.println("PROBLEM " + p));
        System.out.printf("GOAL lost %d 0 %s%n", lost, lost == 0 ? "met" : "not met");
        System.out.printf("GOAL duplicated %d 0 %s%n", duplicated, duplicated == 0 ? "met" : "not met");
        System.out.printf("GOAL problems %d 0 %s%n", problems.size(), problems.isEmpty() ? "met" : "not met");
        channels.values().forEach(ManagedChannel::shutdownNow);
        return lost == 0 && duplicated == 0 && problems.isEmpty();
    }

    // ---- the pipeline ----

    private void createJob(String name, String dataset, int epochs) {
        training().withDeadlineAfter(CALL.toSeconds(), TimeUnit.SECONDS).createTrainingJob(CreateTrainingJobRequest.newBuilder().setSpec(
                TrainingJobSpec.newBuilder().setTrainingJobName(name).setDatasetId(dataset).putAllHyperparameters(small(epochs))
                        .setCheckpointConfig(CheckpointConfig.newBuilder().setIntervalSeconds(2))).build());
    }

    private static Map<String, String> small(int epochs) {
        return Map.of("embedding_dim", "32", "hidden_size", "64", "num_layers", "1", "batch_size", "16", "bptt", "20",
                "epochs", Integer.toString(epochs), "optimizer", "adam", "learning_rate", "0.005");
    }

    private static TuningJobSpec tuningSpec(String name, String dataset) {
        Map<String, String> fixed = new LinkedHashMap<>(small(2));
        fixed.remove("learning_rate");
        return TuningJobSpec.newBuilder().setTuningJobName(name).setDatasetId(dataset).putAllStaticHyperparameters(fixed)
                .setRanges(ParameterRanges.newBuilder().addContinuous(ContinuousParameterRange.newBuilder().setName("learning_rate")
                        .setMinValue(0.001).setMaxValue(0.02)))
                .setObjective(TuningObjective.newBuilder().setMetricName("validation:bpc").setType(ObjectiveType.OBJECTIVE_TYPE_MINIMIZE))
                .setStrategy(TuningStrategy.TUNING_STRATEGY_RANDOM).setMaxJobs(6).setMaxParallelJobs(2).setRandomSeed(7).build();
    }

    /** The preprocess-service dies during an upload: the upload fails, nothing half-written shows, the retried upload succeeds. */
    private void killDuringUpload() throws Exception {
        String corpusId = run + "-upload";
        Process upload = cliAsync("corpus", "ingest", "--name", corpusId, "--language", "en", "--lowercase", "--document-boundary", "blank-line",
                corpus.toString());
        sleepRandom(1500);
        crash("preprocess-service");
        require(upload.waitFor(2, TimeUnit.MINUTES), "the upload ended when its service died");
        // Either the upload finished before the kill, or nothing of it is visible: a client that retries starts afresh.
        if (upload.exitValue() == 0) {
            cli("corpus", "delete", corpusId);
        } else {
            require(!cliOk("corpus", "get", corpusId), "no corpus " + corpusId + " after its upload failed");
        }
        cli("corpus", "ingest", "--name", corpusId, "--language", "en", "--lowercase", "--document-boundary", "blank-line", corpus.toString());
    }

    /**
     * The tokenizer-service dies during a build: a dataset it had recorded is resumed after its restart
     * and completes; one it had not recorded yet does not exist, and the client's retry builds it.
     */
    private void killDuringBuild(String corpusId) throws Exception {
        String dataset = run + "-bpe";
        Process build = cliAsync("dataset", "create", "--corpus", corpusId, "--id", dataset, "--tokenizer", "bpe", "--vocab-size", "1500");
        sleepRandom(1500);
        crash("tokenizer-service");
        require(build.waitFor(2, TimeUnit.MINUTES), "the dataset command ended when its service died");
        if (!cliOk("dataset", "get", dataset)) {
            // killed before the dataset was recorded: nothing happened, and the client tries again
            cli("dataset", "create", "--corpus", corpusId, "--id", dataset, "--tokenizer", "bpe", "--vocab-size", "1500");
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        String status = "";
        while (!status.contains("Completed") && !status.contains("Failed") && System.nanoTime() < deadline) {
            Thread.sleep(2000);
            status = cliOutput("dataset", "get", dataset);
        }
        require(status.contains("Completed"), "dataset " + dataset + " completed after the tokenizer's restart: " + status);
    }

    // ---- faults ----

    private void crash(String service) throws Exception {
        faults.add("SIGKILL " + service);
        say("fault: SIGKILL %s", service);
        long t = System.nanoTime();
        lmforge("kill", service);
        dropChannel(service);
        lmforge("up");
        recoverySeconds.put(service, (System.nanoTime() - t) / 1e9);
    }

    private void outage(String part, Duration length) throws Exception {
        faults.add((part.equals("kafka") ? "broker restart" : "S3 stopped " + length.toSeconds() + " s"));
        say("fault: %s stops for %d s", part, length.toSeconds());
        long t = System.nanoTime();
        lmforge("infra", "stop", part);
        Thread.sleep(length.toMillis());
        lmforge("up");
        recoverySeconds.put(part, (System.nanoTime() - t) / 1e9);
    }

    // ---- waiting ----

    private void awaitTraining() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                boolean training = training().withDeadlineAfter(CALL.toSeconds(), TimeUnit.SECONDS)
                        .listTrainingJobs(dev.lmforge.api.v1.ListTrainingJobsRequest.newBuilder().setNameContains(run)
                                .setStatusEquals(JobStatus.JOB_STATUS_IN_PROGRESS).build())
                        .getTrainingJobsList().stream().anyMatch(j -> j.getSecondaryStatus() == SecondaryStatus.SECONDARY_STATUS_TRAINING);
                if (training) {
                    return;
                }
            } catch (StatusRuntimeException notNow) {
                // a restarting part
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("no job of " + run + " started training within 5 minutes");
    }

    private void awaitTrials(String tuning, int trials) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (describeTuning(tuning).getTrialsCount() >= trials) {
                    return;
                }
            } catch (StatusRuntimeException notNow) {
                // a restarting part
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("tuning job " + tuning + " did not reach " + trials + " trials");
    }

    private TrainingJob awaitJob(String name, Predicate<TrainingJob> until, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        TrainingJob job = null;
        while (System.nanoTime() < deadline) {
            try {
                job = training().withDeadlineAfter(CALL.toSeconds(), TimeUnit.SECONDS)
                        .describeTrainingJob(DescribeTrainingJobRequest.newBuilder().setTrainingJobName(name).build());
                if (until.test(job)) {
                    return job;
                }
            } catch (StatusRuntimeException notNow) {
                // a restarting part
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("training job " + name + " did not end within " + max + ": " + job);
    }

    private TuningJob awaitTuning(String name, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        TuningJob job = null;
        while (System.nanoTime() < deadline) {
            try {
                job = describeTuning(name);
                if (ended(job.getStatus())) {
                    return job;
                }
            } catch (StatusRuntimeException notNow) {
                // a restarting part
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("tuning job " + name + " did not end within " + max + ": "
                + (job == null ? "" : job.getTrialsList().stream().map(Trial::getStatus).toList()));
    }

    private TuningJob describeTuning(String name) {
        return tuner().withDeadlineAfter(CALL.toSeconds(), TimeUnit.SECONDS)
                .describeTuningJob(DescribeTuningJobRequest.newBuilder().setTuningJobName(name).build());
    }

    private static boolean ended(JobStatus s) {
        return s == JobStatus.JOB_STATUS_COMPLETED || s == JobStatus.JOB_STATUS_FAILED || s == JobStatus.JOB_STATUS_STOPPED;
    }

    // ---- checks ----

    /** model.ready records per job name, read from the start of the topic. */
    private static Map<String, Integer> modelReadyCounts(List<String> jobs) {
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        // as the operator, who may read every topic (bench/chaos.sh exports its password)
        Map<String, Object> config = KafkaLogin.fromEnvironment(BOOTSTRAP, KafkaLogin.OPERATOR);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.MODEL_READY).stream()
                    .map(p -> new TopicPartition(Topics.MODEL_READY, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (jobs.contains(r.key())) {
                        counts.merge(r.key(), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }

    /** Jobs with model files in S3 but no manifest: a half-written model shown as if complete would be one of these. */
    private static List<String> modelsWithoutManifest(List<String> jobs) {
        S3Client s3 = S3Client.builder().endpointOverride(URI.create(S3_ENDPOINT)).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        System.getenv().getOrDefault("QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID", "lmforge"),
                        System.getenv().getOrDefault("QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY", "lmforge-secret"))))
                .httpClient(ApacheHttpClient.create()).build();
        ArtifactStore store = new ArtifactStore(s3, "lmforge", "", S3_ENDPOINT);
        ArtifactLayout layout = ArtifactLayout.shared();
        return jobs.stream().filter(j -> store.hasAny(layout.modelPrefix(j)) && !store.exists(layout.modelManifest(j))).toList();
    }

    // ---- clients under load ----

    /** Clients that call Predict in a loop, each call with a deadline: an outage may refuse them, never hang them. */
    private final class Load {
        private final String endpoint;
        private final int clients;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Map<Status.Code, AtomicLong> outcomes = new ConcurrentHashMap<>();
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicLong slowest = new AtomicLong();

        Load(String endpoint, int clients) {
            this.endpoint = endpoint;
            this.clients = clients;
        }

        void start() {
            for (int i = 0; i < clients; i++) {
                Thread t = new Thread(this::loop, "chaos-client-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        private void loop() {
            while (running.get()) {
                long t = System.nanoTime();
                Status.Code code;
                try {
                    inference().withDeadlineAfter(CALL.toSeconds(), TimeUnit.SECONDS)
                            .predict(PredictRequest.newBuilder().setEndpoint(endpoint).setText("the european parliament").setTopK(3).build());
                    code = Status.Code.OK;
                } catch (StatusRuntimeException e) {
                    code = e.getStatus().getCode();
                }
                slowest.accumulateAndGet((System.nanoTime() - t) / 1_000_000, Math::max);
                outcomes.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
                if (code != Status.Code.OK) {
                    pause(200);
                }
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(CALL.toMillis() * 2);
            }
        }

        List<String> problems() {
            List<String> out = new ArrayList<>();
            outcomes.forEach((code, n) -> {
                if (code != Status.Code.OK && code != Status.Code.UNAVAILABLE) {
                    out.add(n.get() + " client calls ended " + code + (code == Status.Code.DEADLINE_EXCEEDED ? " (a hang)" : ""));
                }
            });
            if (outcomes.getOrDefault(Status.Code.OK, new AtomicLong()).get() == 0) {
                out.add("no client call succeeded");
            }
            return out;
        }

        String summary() {
            Map<Status.Code, Long> sorted = new EnumMap<>(Status.Code.class);
            outcomes.forEach((k, v) -> sorted.put(k, v.get()));
            return sorted.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))
                    + ", slowest " + slowest.get() + " ms";
        }
    }

    // ---- the platform ----

    private TrainingServiceGrpc.TrainingServiceBlockingStub training() {
        return TrainingServiceGrpc.newBlockingStub(channel("trainer-service", port("TRAINER", 8103)));
    }

    private TuningServiceGrpc.TuningServiceBlockingStub tuner() {
        return TuningServiceGrpc.newBlockingStub(channel("tuner-service", port("TUNER", 8104)));
    }

    private InferenceServiceGrpc.InferenceServiceBlockingStub inference() {
        return InferenceServiceGrpc.newBlockingStub(channel("inference-service", port("INFERENCE", 8105)));
    }

    /** Where ./lmforge up runs a service: QUARKUS_GRPC_CLIENTS_<CLIENT>_PORT, as the CLI reads it (chaos.sh exports them). */
    private static int port(String client, int local) {
        return Integer.parseInt(System.getenv().getOrDefault("QUARKUS_GRPC_CLIENTS_" + client + "_PORT", String.valueOf(local)));
    }

    private ManagedChannel channel(String service, int port) {
        return channels.computeIfAbsent(service, s -> BenchCredentials.channel(port));
    }

    /** A new channel after a restart, instead of waiting out the old one's reconnect backoff. */
    private void dropChannel(String service) {
        ManagedChannel old = channels.remove(service);
        if (old != null) {
            old.shutdownNow();
        }
    }

    private void lmforge(String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(args)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve(".lmforge/logs/chaos-lmforge.log").toFile())).start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("./lmforge " + String.join(" ", args) + " failed (.lmforge/logs/chaos-lmforge.log)");
        }
    }

    private void cli(String... args) throws IOException, InterruptedException {
        Process p = cliAsync(args);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("./lmforge " + String.join(" ", args) + " failed (.lmforge/logs/chaos-cli.log)");
        }
    }

    private boolean cliOk(String... args) throws IOException, InterruptedException {
        Process p = cliAsync(args);
        return p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0;
    }

    private String cliOutput(String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(2, TimeUnit.MINUTES);
        return out;
    }

    private Process cliAsync(String... args) throws IOException {
        return new ProcessBuilder(command(args)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve(".lmforge/logs/chaos-cli.log").toFile())).start();
    }

    /** ./lmforge with these arguments: a platform command or, for anything else, the CLI. */
    private List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(root.resolve("lmforge").toString()));
        command.addAll(List.of(args));
        return command;
    }

    private void sleepRandom(int maxMillis) throws InterruptedException {
        Thread.sleep(random.nextInt(maxMillis));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("expected: " + what);
        }
    }

    private static void say(String format, Object... args) {
        System.out.printf("==> " + format + "%n", args);
    }
}
