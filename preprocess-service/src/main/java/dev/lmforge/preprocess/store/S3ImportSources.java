package dev.lmforge.preprocess.store;

import dev.lmforge.common.store.ImportAllowList;
import dev.lmforge.api.v1.Channel;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.S3Uri;
import dev.lmforge.preprocess.service.ImportSources;
import dev.lmforge.preprocess.service.IncomingFile;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Objects under S3 prefixes that the tenant may import ({@link ImportAllowList}), streamed one by one. */
@ApplicationScoped
public class S3ImportSources implements ImportSources {

    private final ArtifactStore store;
    private final ImportAllowList allowed;

    public S3ImportSources(ArtifactStore store, ImportAllowList allowed) {
        this.store = store;
        this.allowed = allowed;
    }

    private record Entry(S3Uri uri, Channel channel) {
    }

    @Override
    public Source open(Map<Channel, String> prefixes, String tenant) {
        // Every prefix is checked before the first is listed: a refused one leaves no trace in S3's logs.
        Map<Channel, S3Uri> checked = new LinkedHashMap<>();
        prefixes.forEach((channel, uri) -> checked.put(channel, allowed.check(uri, tenant)));
        List<Entry> objects = new ArrayList<>();
        for (Map.Entry<Channel, S3Uri> e : checked.entrySet()) {
            S3Uri prefix = e.getValue();
            int before = objects.size();
            for (ArtifactStore.StoredObject o : store.list(prefix)) {
                if (!o.key().endsWith("/")) {
                    objects.add(new Entry(new S3Uri(prefix.bucket(), o.key()), e.getKey()));
                }
            }
            if (objects.size() == before) {
                throw LmForgeException.invalidArgument("no objects under %s", e.getValue());
            }
        }
        Iterator<Entry> it = objects.iterator();
        return new Source() {
            private InputStream current;

            @Override
            public IncomingFile next() throws IOException {
                close();
                if (!it.hasNext()) {
                    return null;
                }
                Entry next = it.next();
                current = store.open(next.uri());
                return new IncomingFile(next.uri().toString(), next.channel(), current);
            }

            @Override
            public void close() {
                if (current != null) {
                    try {
                        current.close();
                    } catch (IOException ignored) {
                        // A half-read S3 response; its connection is simply dropped.
                    }
                    current = null;
                }
            }
        };
    }
}
