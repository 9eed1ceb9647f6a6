package dev.lmforge.inference.store;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.inference.service.ModelStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Models under {@code training-jobs/{version}/model/} (manifest.json written last), endpoints under {@code endpoints/}. */
@ApplicationScoped
public class S3ModelStore implements ModelStore {

    private final ArtifactStore store;

    public S3ModelStore(ArtifactStore store) {
        this.store = store;
    }

    private static String prefix(String version) {
        return "training-jobs/" + version + "/model/";
    }

    @Override
    public ModelCard card(String version) {
        return store.read(prefix(version) + ArtifactStore.MANIFEST).map(json -> ProtoJson.merge(json, ModelCard.newBuilder()).build())
                .orElseThrow(() -> store.hasAny("training-jobs/" + version + "/")
                        ? LmForgeException.failedPrecondition("model %s is not complete: its training job has not exported it (yet)", version)
                        : LmForgeException.notFound("model %s does not exist: no training job of that name", version));
    }

    @Override
    public S3Location location(String version) {
        return S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(prefix(version))).build();
    }

    @Override
    public void download(String version, Path into) {
        store.download(prefix(version), into);
    }

    @Override
    public List<Endpoint> endpoints() {
        List<Endpoint> out = new ArrayList<>();
        for (ArtifactStore.StoredObject o : store.list("endpoints/")) {
            store.read(o.key()).ifPresent(json -> out.add(ProtoJson.merge(json, Endpoint.newBuilder()).build()));
        }
        return out;
    }

    @Override
    public void saveEndpoint(Endpoint endpoint) {
        store.put("endpoints/" + endpoint.getName() + ".json", ProtoJson.bytes(endpoint), "application/json");
    }
}
