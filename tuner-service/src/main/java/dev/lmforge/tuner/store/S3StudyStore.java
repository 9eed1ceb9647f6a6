package dev.lmforge.tuner.store;

import dev.lmforge.api.v1.S3Location;
import dev.lmforge.api.v1.Study;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.tuner.study.StudyStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;

@ApplicationScoped
public class S3StudyStore implements StudyStore {

    private final ArtifactStore store;
    private final ArtifactLayout layout = ArtifactLayout.shared();

    public S3StudyStore(ArtifactStore store) {
        this.store = store;
    }

    @Override
    public Optional<Study> find(String name) {
        return store.read(layout.studyRecord(name)).map(json -> ProtoJson.merge(json, Study.newBuilder()).build());
    }

    @Override
    public void save(Study study) {
        store.put(layout.studyRecord(study.getSpec().getStudyName()), ProtoJson.bytes(study), "application/json");
    }

    @Override
    public List<Study> all() {
        return store.allPublishedChildren(layout.studiesPrefix(), ArtifactLayout.STUDY_RECORD).stream().map(this::find).flatMap(Optional::stream).toList();
    }

    @Override
    public void putReportFile(String study, String file, byte[] content) {
        store.put(layout.studyReportFile(study, file), content, file.endsWith(".png") ? "image/png" : "text/markdown; charset=utf-8");
    }

    @Override
    public Optional<byte[]> reportFile(String study, String file) {
        return store.read(layout.studyReportFile(study, file));
    }

    @Override
    public S3Location reportLocation(String study) {
        return S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(layout.studyReportPrefix(study))).build();
    }
}
