package dev.lmforge.inference.store;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.inference.service.ModelStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Models as the trainer exports them, named after their training job (manifest written last), and this service's endpoints. */
@ApplicationScoped
public class S3ModelStore implements ModelStore {

    private final ArtifactStore store;
    private final ArtifactLayout layout = ArtifactLayout.shared();

    public S3ModelStore(ArtifactStore store) {
        this.store = store;
    }

    @Override
    public ModelCard card(String version) {
        return store.read(layout.modelManifest(version)).map(json -> ProtoJson.merge(json, ModelCard.newBuilder()).build())
                .orElseThrow(() -> store.hasAny(layout.trainingJobPrefix(version))
                        ? LmForgeException.failedPrecondition("model %s is not complete: its training job has not exported it (yet)", version)
                        : LmForgeException.notFound("model %s does not exist: no training job of that name", version));
    }

    @Override
    public S3Location location(String version) {
        return S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(layout.modelPrefix(version))).build();
    }

    @Override
    public void download(String version, Path into) {
        store.download(layout.modelPrefix(version), into);
    }

    @Override
    public List<Endpoint> endpoints() {
        List<Endpoint> out = new ArrayList<>();
        for (ArtifactStore.StoredObject o : store.list(layout.endpointsPrefix())) {
            store.read(o.key()).ifPresent(json -> out.add(ProtoJson.merge(json, Endpoint.newBuilder()).build()));
        }
        return out;
    }

    @Override
    public Optional<Endpoint> endpoint(String name) {
        return store.read(layout.endpoint(name)).map(json -> ProtoJson.merge(json, Endpoint.newBuilder()).build());
    }

    @Override
    public void saveEndpoint(Endpoint endpoint) {
        store.put(layout.endpoint(endpoint.getName()), ProtoJson.bytes(endpoint), "application/json");
    }
}
