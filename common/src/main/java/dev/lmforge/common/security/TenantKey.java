package dev.lmforge.common.security;

/**
 * A resource of a tenant, as one string where one is needed across tenants (in-memory maps, outbox
 * entries, Kafka record keys): the bare id in the default tenant, as before tenants existed, and
 * {@code tenant:id} in any other. Names never contain ':', so the form is unambiguous.
 */
public record TenantKey(String tenant, String id) {

    private static final char SEPARATOR = ':';

    public static String encode(String tenant, String id) {
        return new TenantKey(tenant, id).toString();
    }

    public static TenantKey decode(String key) {
        int at = key.indexOf(SEPARATOR);
        return at < 0 ? new TenantKey(Tenants.DEFAULT, key) : new TenantKey(key.substring(0, at), key.substring(at + 1));
    }

    @Override
    public String toString() {
        return Tenants.DEFAULT.equals(tenant) ? id : tenant + SEPARATOR + id;
    }
}
