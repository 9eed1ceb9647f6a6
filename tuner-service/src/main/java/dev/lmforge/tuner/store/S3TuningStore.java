package dev.lmforge.tuner.store;

import dev.lmforge.api.v1.TuningJob;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.common.store.StoredTenants;
import dev.lmforge.tuner.service.TuningStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

/** Tuning jobs in S3, each tenant's under its layout (the default tenant's where they were before tenants). */
@ApplicationScoped
public class S3TuningStore implements TuningStore {

    private final ArtifactStore store;

    public S3TuningStore(ArtifactStore store) {
        this.store = store;
    }

    @Override
    public Optional<TuningJob> find(String tenant, String name) {
        return store.read(ArtifactLayout.of(tenant).tuningJobState(name)).map(json -> ProtoJson.merge(json, TuningJob.newBuilder()).build());
    }

    @Override
    public void create(String tenant, TuningJob job) {
        store.put(ArtifactLayout.of(tenant).tuningJobSpec(job.getSpec().getTuningJobName()), ProtoJson.bytes(job.getSpec()), "application/json");
        save(tenant, job);
    }

    @Override
    public void save(String tenant, TuningJob job) {
        store.put(ArtifactLayout.of(tenant).tuningJobState(job.getSpec().getTuningJobName()), ProtoJson.bytes(job), "application/json");
    }

    @Override
    public List<TuningJob> all(String tenant) {
        return store.allPublishedChildren(ArtifactLayout.of(tenant).tuningJobsPrefix(), ArtifactLayout.TUNING_JOB_STATE).stream()
                .map(name -> find(tenant, name)).flatMap(Optional::stream).toList();
    }

    @Override
    public List<String> tenants() {
        return StoredTenants.all(store);
    }
}
