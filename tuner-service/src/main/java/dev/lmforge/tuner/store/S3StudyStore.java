package dev.lmforge.tuner.store;

import dev.lmforge.api.v1.S3Location;
import dev.lmforge.api.v1.Study;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.common.store.StoredTenants;
import dev.lmforge.tuner.study.StudyStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

/** Studies in S3, each tenant's under its layout (the default tenant's where they were before tenants). */
@ApplicationScoped
public class S3StudyStore implements StudyStore {

    private final ArtifactStore store;

    public S3StudyStore(ArtifactStore store) {
        this.store = store;
    }

    @Override
    public Optional<Study> find(String tenant, String name) {
        return store.read(ArtifactLayout.of(tenant).studyRecord(name)).map(json -> ProtoJson.merge(json, Study.newBuilder()).build());
    }

    @Override
    public void save(String tenant, Study study) {
        store.put(ArtifactLayout.of(tenant).studyRecord(study.getSpec().getStudyName()), ProtoJson.bytes(study), "application/json");
    }

    @Override
    public List<Study> all(String tenant) {
        return store.allPublishedChildren(ArtifactLayout.of(tenant).studiesPrefix(), ArtifactLayout.STUDY_RECORD).stream()
                .map(name -> find(tenant, name)).flatMap(Optional::stream).toList();
    }

    @Override
    public List<String> tenants() {
        return StoredTenants.all(store);
    }

    @Override
    public void putReportFile(String tenant, String study, String file, byte[] content) {
        store.put(ArtifactLayout.of(tenant).studyReportFile(study, file), content, file.endsWith(".png") ? "image/png" : "text/markdown; charset=utf-8");
    }

    @Override
    public Optional<byte[]> reportFile(String tenant, String study, String file) {
        return store.read(ArtifactLayout.of(tenant).studyReportFile(study, file));
    }

    @Override
    public S3Location reportLocation(String tenant, String study) {
        return S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(ArtifactLayout.of(tenant).studyReportPrefix(study))).build();
    }
}
