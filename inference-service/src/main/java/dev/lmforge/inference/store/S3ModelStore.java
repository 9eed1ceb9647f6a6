package dev.lmforge.inference.store;

import dev.lmforge.api.v1.Endpoint;
import dev.lmforge.api.v1.ModelCard;
import dev.lmforge.api.v1.S3Location;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.store.ArtifactLayout;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.ProtoJson;
import dev.lmforge.common.store.StoredTenants;
import dev.lmforge.inference.service.ModelStore;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Models as the trainer exports them, named after their training job (manifest written last), and this
 * service's endpoints, both in the tenant's layout (the default tenant's keys are those of before tenants).
 */
@ApplicationScoped
public class S3ModelStore implements ModelStore {

    private final ArtifactStore store;

    public S3ModelStore(ArtifactStore store) {
        this.store = store;
    }

    @Override
    public ModelCard card(String tenant, String version) {
        ArtifactLayout layout = ArtifactLayout.of(tenant);
        return store.read(layout.modelManifest(version)).map(json -> ProtoJson.merge(json, ModelCard.newBuilder()).build())
                .orElseThrow(() -> store.hasAny(layout.trainingJobPrefix(version))
                        ? LmForgeException.failedPrecondition("model %s is not complete: its training job has not exported it (yet)", version)
                        : LmForgeException.notFound("model %s does not exist: no training job of that name", version));
    }

    @Override
    public S3Location location(String tenant, String version) {
        return S3Location.newBuilder().setBucket(store.bucket()).setKey(store.key(ArtifactLayout.of(tenant).modelPrefix(version))).build();
    }

    @Override
    public void download(String tenant, String version, Path into) {
        store.download(ArtifactLayout.of(tenant).modelPrefix(version), into);
    }

    @Override
    public List<String> tenants() {
        return StoredTenants.all(store);
    }

    @Override
    public List<Endpoint> endpoints(String tenant) {
        List<Endpoint> out = new ArrayList<>();
        for (ArtifactStore.StoredObject o : store.list(ArtifactLayout.of(tenant).endpointsPrefix())) {
            store.read(o.key()).ifPresent(json -> out.add(ProtoJson.merge(json, Endpoint.newBuilder()).build()));
        }
        return out;
    }

    @Override
    public Optional<Endpoint> endpoint(String tenant, String name) {
        return store.read(ArtifactLayout.of(tenant).endpoint(name)).map(json -> ProtoJson.merge(json, Endpoint.newBuilder()).build());
    }

    @Override
    public void saveEndpoint(String tenant, Endpoint endpoint) {
        store.put(ArtifactLayout.of(tenant).endpoint(endpoint.getName()), ProtoJson.bytes(endpoint), "application/json");
    }
}
