package dev.lmforge.common.security;

import dev.lmforge.common.naming.ResourceNames;

/** Tenant names: resource names (safe as an S3 key segment), plus the two the platform reserves. */
public final class Tenants {

    /** The tenant of data written before tenants existed, and of the local user. */
    public static final String DEFAULT = "default";
    /** In a service principal's token: it acts in whichever tenant its call names. */
    public static final String ANY = "*";

    private Tenants() {
    }

    public static boolean isValid(String tenant) {
        return ResourceNames.isValid(tenant);
    }

    /**
     * Refuses every tenant but {@link #DEFAULT}: resources are not yet stored apart per tenant, so a
     * token or event of another tenant would see and touch the default tenant's. Fail closed until then.
     */
    public static void requireServed(String tenant) {
        if (!DEFAULT.equals(tenant)) {
            throw new TokenVerifier.AccessDenied("tenant '" + tenant + "' is not served by this platform yet: "
                    + "every resource belongs to tenant '" + DEFAULT + "' until resources are stored per tenant");
        }
    }
}
