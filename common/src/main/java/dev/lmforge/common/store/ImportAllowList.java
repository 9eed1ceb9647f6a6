package dev.lmforge.common.store;

import dev.lmforge.common.errors.LmForgeException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where a tenant may import from (corpora, SentencePiece models): its {@code imports/<tenant>/}
 * prefix in the platform's bucket, its own corpora, plus the prefixes an operator allows with
 * {@code lmforge.imports.allowed-prefixes} ({@code s3://bucket/prefix/}, {@value #TENANT} standing
 * for the caller's tenant). The service's S3 credentials may reach more; a caller may not.
 */
@ApplicationScoped
public class ImportAllowList {

    public static final String TENANT = "{tenant}";

    private final ArtifactStore store;
    private final List<String> configured;

    public ImportAllowList(ArtifactStore store, @ConfigProperty(name = "lmforge.imports.allowed-prefixes") Optional<List<String>> configured) {
        this.store = store;
        this.configured = configured.orElse(List.of());
        // A malformed entry is an operator's mistake: fail at startup, not at the first import.
        this.configured.forEach(entry -> S3Uri.parse(entry.replace(TENANT, "t")));
    }

    /**
     * The URI, parsed, if the tenant may read it. INVALID_ARGUMENT for a malformed URI and
     * PERMISSION_DENIED outside the allow-list, both before any S3 call.
     */
    public S3Uri check(String uri, String tenant) {
        S3Uri parsed = S3Uri.parse(uri);
        List<S3Uri> allowed = allowed(tenant);
        for (S3Uri prefix : allowed) {
            if (prefix.bucket().equals(parsed.bucket()) && parsed.key().startsWith(prefix.key())) {
                return parsed;
            }
        }
        throw LmForgeException.permissionDenied("%s is outside what tenant '%s' may import from (%s); put the objects there, "
                + "or ask an operator to allow the prefix (lmforge.imports.allowed-prefixes)", parsed, tenant,
                allowed.stream().map(S3Uri::toString).collect(Collectors.joining(", ")));
    }

    List<S3Uri> allowed(String tenant) {
        List<S3Uri> prefixes = new ArrayList<>();
        prefixes.add(store.uri(ArtifactLayout.shared().importsPrefix(tenant)));
        // Its own corpora, which it reads anyway: a study re-imports a corpus's splits without its stop words.
        prefixes.add(store.uri(ArtifactLayout.of(tenant).corporaPrefix()));
        for (String entry : configured) {
            S3Uri prefix = S3Uri.parse(entry.replace(TENANT, tenant));
            // "s3://b/data" allows s3://b/data/..., never s3://b/data-other/...
            boolean whole = prefix.key().isEmpty() || prefix.key().endsWith("/");
            prefixes.add(whole ? prefix : new S3Uri(prefix.bucket(), prefix.key() + "/"));
        }
        return prefixes;
    }
}
