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
}
