package dev.lmforge.trainer.store;

import dev.lmforge.api.v1.EpochMetrics;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.common.security.Tenants;
import dev.lmforge.common.store.AbortableOutputStream;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.trainer.internal.LatestCheckpoint;
import dev.lmforge.trainer.internal.TrainingState;
import dev.lmforge.trainer.service.JobStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** Training jobs in S3, each tenant's under its layout (the default tenant's where they were before tenants). */
@ApplicationScoped
public class S3JobStore implements JobStore {

    private final ArtifactStore store;

    public S3JobStore(ArtifactStore store) {
        this.store = store;
    }

    @Override
    public Optional<TrainingJob> find(String tenant, String name) {
        return store.read(ArtifactLayout.of(tenant).trainingJobStatus(name)).map(json -> ProtoJson.merge(json, TrainingJob.newBuilder()).build());
    }

    @Override
    public void create(String tenant, TrainingJob job) {
        String name = job.getSpec().getTrainingJobName();
        store.put(ArtifactLayout.of(tenant).trainingJobSpec(name), ProtoJson.bytes(job.getSpec()), "application/json");
        save(tenant, job);
    }

    @Override
    public void save(String tenant, TrainingJob job) {
        store.put(ArtifactLayout.of(tenant).trainingJobStatus(job.getSpec().getTrainingJobName()), ProtoJson.bytes(job), "application/json");
    }

    @Override
    public Page list(String tenant, String startAfter, int limit) {
        ArtifactStore.Page page = store.publishedChildren(ArtifactLayout.of(tenant).trainingJobsPrefix(), ArtifactLayout.TRAINING_JOB_STATUS, startAfter, limit);
        List<TrainingJob> jobs = new ArrayList<>();
        for (String name : page.names()) {
            find(tenant, name).ifPresent(jobs::add);
        }
        return new Page(jobs, page.nextStartAfter());
    }

    @Override
    public Optional<Lease> lease(String tenant, String name) {
        return store.read(ArtifactLayout.of(tenant).trainingJobLease(name)).map(bytes -> {
            String[] parts = new String(bytes, StandardCharsets.UTF_8).trim().split("\n");
            return new Lease(parts[0], Instant.parse(parts[1]), parts.length > 2 ? Integer.parseInt(parts[2]) : 0);
        });
    }

    @Override
    public void writeLease(String tenant, String name, Lease lease) {
        store.put(ArtifactLayout.of(tenant).trainingJobLease(name), (lease.owner() + "\n" + lease.renewed() + "\n" + lease.attempt() + "\n").getBytes(StandardCharsets.UTF_8), "text/plain");
    }

    @Override
    public void releaseLease(String tenant, String name) {
        store.delete(ArtifactLayout.of(tenant).trainingJobLease(name));
    }

    @Override
    public void writeMetrics(String tenant, String name, List<EpochMetrics> epochs) {
        StringBuilder lines = new StringBuilder();
        for (EpochMetrics m : epochs) {
            lines.append(ProtoJson.compact(m)).append('\n');
        }
        store.put(ArtifactLayout.of(tenant).trainingJobMetrics(name), lines.toString().getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
    }

    @Override
    public void saveCheckpoint(String tenant, String name, Path dir, TrainingState state) {
        ArtifactLayout layout = ArtifactLayout.of(tenant);
        String checkpoint = layout.checkpointPrefix(name, state.getGlobalStep());
        upload(dir, checkpoint);
        LatestCheckpoint latest = LatestCheckpoint.newBuilder().setPrefix(checkpoint).setGlobalStep(state.getGlobalStep()).setState(state).build();
        Optional<LatestCheckpoint> previous = latestCheckpoint(tenant, name);
        store.put(layout.latestCheckpoint(name), ProtoJson.bytes(latest), "application/json");
        Set<String> kept = keptCheckpoints(layout, name, checkpoint, state);
        previous.ifPresent(p -> keptCheckpoints(layout, name, p.getPrefix(), p.getState()).stream().filter(prefix -> !kept.contains(prefix))
                .forEach(prefix -> store.deletePrefix(prefix, ArtifactLayout.CHECKPOINT_MARKER)));
    }

    /** The latest checkpoint and, with keep_best_epoch, the best epoch's. */
    private static Set<String> keptCheckpoints(ArtifactLayout layout, String name, String latest, TrainingState state) {
        Set<String> prefixes = new HashSet<>(Set.of(latest));
        if (state.getBestGlobalStep() > 0) {
            prefixes.add(layout.checkpointPrefix(name, state.getBestGlobalStep()));
        }
        return prefixes;
    }

    @Override
    public Optional<LatestCheckpoint> latestCheckpoint(String tenant, String name) {
        return store.read(ArtifactLayout.of(tenant).latestCheckpoint(name)).map(json -> ProtoJson.merge(json, LatestCheckpoint.newBuilder()).build());
    }

    @Override
    public void downloadCheckpoint(String tenant, String name, long globalStep, Path into) {
        store.download(ArtifactLayout.of(tenant).checkpointPrefix(name, globalStep), into);
    }

    @Override
    public S3Location saveModel(String tenant, String name, Path modelDir, byte[] manifest) {
        String model = ArtifactLayout.of(tenant).modelPrefix(name);
        store.deletePrefix(model, ArtifactLayout.MODEL_MARKER);
        upload(modelDir, model);
        store.publish(model, ArtifactLayout.MODEL_MARKER, manifest);
        return S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(model)).build();
    }

    private void upload(Path dir, String prefix) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String key = prefix + dir.relativize(f).toString().replace('\\', '/');
                try (AbortableOutputStream out = store.create(key, "application/octet-stream")) {
                    Files.copy(f, out);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("uploading " + dir + " failed", e);
        }
    }

    @Override
    public boolean hasLegacyModelReadyMarker(String name) {
        return store.exists(ArtifactLayout.of(Tenants.DEFAULT).modelReadyMarker(name));
    }

}
