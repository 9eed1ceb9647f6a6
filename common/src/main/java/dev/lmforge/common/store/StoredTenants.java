package dev.lmforge.common.store;

import dev.lmforge.common.security.Tenants;

import java.util.ArrayList;
import java.util.List;

/** The tenants that have resources in the store, for the work a service picks up at start (unfinished builds, endpoints). */
public final class StoredTenants {

    private StoredTenants() {
    }

    /** The default tenant, then every tenant with a prefix under tenants/, in name order. */
    public static List<String> all(ArtifactStore store) {
        List<String> tenants = new ArrayList<>(List.of(Tenants.DEFAULT));
        for (String name : store.childNames(ArtifactLayout.TENANTS_PREFIX)) {
            if (Tenants.isValid(name) && !Tenants.DEFAULT.equals(name)) {
                tenants.add(name);
            }
        }
        return tenants;
    }
}
