package dev.lmforge.preprocess.store;

import dev.lmforge.api.v1.Channel;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.common.store.ArtifactStore;
import dev.lmforge.common.store.S3Uri;
import dev.lmforge.preprocess.service.ImportSources;
import dev.lmforge.preprocess.service.SourceFile;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Objects under S3 prefixes (any bucket the service's credentials reach), streamed one by one. */
@ApplicationScoped
public class S3ImportSources implements ImportSources {

    private final ArtifactStore store;

    public S3ImportSources(ArtifactStore store) {
        this.store = store;
    }

    private record Entry(S3Uri uri, Channel channel) {
    }

    @Override
    public Source open(Map<Channel, String> prefixes) {
        List<Entry> objects = new ArrayList<>();
        for (Map.Entry<Channel, String> e : prefixes.entrySet()) {
            S3Uri prefix = S3Uri.parse(e.getValue());
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
            public SourceFile next() throws IOException {
                close();
                if (!it.hasNext()) {
                    return null;
                }
                Entry next = it.next();
                current = store.open(next.uri());
                return new SourceFile(next.uri().toString(), next.channel(), current);
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
