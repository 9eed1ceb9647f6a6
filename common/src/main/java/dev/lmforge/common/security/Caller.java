package dev.lmforge.common.security;

/**
 * Who makes a call or caused an event: the token's subject, the tenant it acts in and its role.
 * A service principal (tenant {@link Tenants#ANY} in its token) acts in the tenant its call names.
 */
public record Caller(String subject, String tenant, Role role) {

    public boolean may(Role required) {
        return role.includes(required);
    }
}
