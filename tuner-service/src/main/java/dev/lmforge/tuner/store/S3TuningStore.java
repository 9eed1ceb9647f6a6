package dev.lmforge.tuner.store;

import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.tuner.service.TuningStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class S3TuningStore implements TuningStore {

    private final ArtifactStore store;
    private final ArtifactLayout layout = ArtifactLayout.shared();

    public S3TuningStore(ArtifactStore store) {
        this.store = store;
    }

    @Override
    public Optional<TuningJob> find(String name) {
        return store.read(layout.tuningJobState(name)).map(json -> ProtoJson.merge(json, TuningJob.newBuilder()).build());
    }

    @Override
    public void create(TuningJob job) {
        store.put(layout.tuningJobSpec(job.getSpec().getTuningJobName()), ProtoJson.bytes(job.getSpec()), "application/json");
        save(job);
    }

    @Override
    public void save(TuningJob job) {
        store.put(layout.tuningJobState(job.getSpec().getTuningJobName()), ProtoJson.bytes(job), "application/json");
    }

    @Override
    public List<TuningJob> all() {
        return store.allPublishedChildren(layout.tuningJobsPrefix(), ArtifactLayout.TUNING_JOB_STATE).stream().map(this::find).flatMap(Optional::stream).toList();
    }
}
