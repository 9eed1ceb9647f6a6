package dev.lmforge.tuner.store;

import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.tuner.service.TuningStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class S3TuningStore implements TuningStore {

    private static final String ROOT = "tuning-jobs/";
    private static final String STATE = "state.json";

    private final ArtifactStore store;

    public S3TuningStore(ArtifactStore store) {
        this.store = store;
    }

    @Override
    public Optional<TuningJob> find(String name) {
        return store.read(ROOT + name + "/" + STATE).map(json -> ProtoJson.merge(json, TuningJob.newBuilder()).build());
    }

    @Override
    public void create(TuningJob job) {
        store.put(ROOT + job.getSpec().getTuningJobName() + "/spec.json", ProtoJson.bytes(job.getSpec()), "application/json");
        save(job);
    }

    @Override
    public void save(TuningJob job) {
        store.put(ROOT + job.getSpec().getTuningJobName() + "/" + STATE, ProtoJson.bytes(job), "application/json");
    }

    @Override
    public List<TuningJob> all() {
        return store.allPublishedChildren(ROOT, STATE).stream().map(this::find).flatMap(Optional::stream).toList();
    }
}
