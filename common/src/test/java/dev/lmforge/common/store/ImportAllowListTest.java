package dev.lmforge.common.store;

import dev.lmforge.common.errors.LmForgeException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImportAllowListTest {

    // The allow-list only builds addresses: no S3 client is ever called.
    private final ArtifactStore store = new ArtifactStore(null, "lmforge", "tests/", "http://127.0.0.1:1");
    private final ImportAllowList list = new ImportAllowList(store, Optional.of(List.of("s3://shared-corpora/{tenant}/", "s3://public-data/text")));

    @Test
    void aTenantImportsFromItsOwnPrefixAndTheConfiguredOnes() {
        assertEquals(new S3Uri("lmforge", "tests/imports/team-a/x/"), list.check("s3://lmforge/tests/imports/team-a/x/", "team-a"));
        assertEquals(new S3Uri("shared-corpora", "team-a/books/"), list.check("s3://shared-corpora/team-a/books/", "team-a"));
        assertEquals(new S3Uri("public-data", "text/wiki.txt"), list.check("s3://public-data/text/wiki.txt", "team-b"));
        assertEquals(new S3Uri("lmforge", "tests/corpora/news/train.txt"), list.check("s3://lmforge/tests/corpora/news/train.txt", "default"));
        assertEquals(new S3Uri("lmforge", "tests/tenants/team-a/corpora/news/train.txt"),
                list.check("s3://lmforge/tests/tenants/team-a/corpora/news/train.txt", "team-a"));
    }

    @Test
    void anythingElseIsPermissionDenied() {
        for (String outside : List.of("s3://lmforge/tests/imports/team-b/x/", "s3://lmforge/tests/corpora/secret/", "s3://lmforge/tests/tenants/team-b/corpora/x/", "s3://other-bucket/",
                "s3://shared-corpora/team-b/", "s3://public-data/text-private/a.txt", "s3://lmforge/tests/imports/team-a-evil/")) {
            LmForgeException e = assertThrows(LmForgeException.class, () -> list.check(outside, "team-a"), outside);
            assertEquals(LmForgeException.Kind.PERMISSION_DENIED, e.kind(), outside);
            assertTrue(e.getMessage().contains("s3://lmforge/tests/imports/team-a/"), e.getMessage());
        }
    }

    @Test
    void aMalformedUriIsInvalidBeforeTheAllowListIsAsked() {
        for (String bad : List.of("s3://lmforge/tests/imports/team-a/../team-b/", "s3://", "/etc/passwd", "s3://UPPER/x", "s3://lmforge/a//b")) {
            LmForgeException e = assertThrows(LmForgeException.class, () -> list.check(bad, "team-a"), bad);
            assertEquals(LmForgeException.Kind.INVALID_ARGUMENT, e.kind(), bad);
        }
    }

    @Test
    void aMalformedConfiguredPrefixStopsStartup() {
        assertThrows(LmForgeException.class, () -> new ImportAllowList(store, Optional.of(List.of("s3://bucket/../x/"))));
    }
}
