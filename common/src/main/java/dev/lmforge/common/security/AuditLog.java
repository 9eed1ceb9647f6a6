package dev.lmforge.common.security;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One structured line per mutating call or event: who, in which tenant, did what to which resource,
 * and how it ended. The fields go into the log's MDC, so the JSON log has them as fields; the
 * category ({@value #CATEGORY}) lets operators ship audit lines apart. Never given a credential.
 */
public final class AuditLog {

    public static final String CATEGORY = "lmforge.audit";
    private static final Logger LOG = Logger.getLogger(CATEGORY);
    private static final String[] FIELDS = {"principal", "tenant", "action", "resource", "outcome"};

    private AuditLog() {
    }

    public static void record(Caller caller, String action, String resource, String outcome) {
        record(caller == null ? "anonymous" : caller.subject(), caller == null ? "" : caller.tenant(), action, resource, outcome);
    }

    public static void record(String principal, String tenant, String action, String resource, String outcome) {
        String[] values = {principal, tenant, action, resource == null ? "" : resource, outcome};
        for (int i = 0; i < FIELDS.length; i++) {
            MDC.put(FIELDS[i], values[i]);
        }
        try {
            LOG.infof("audit principal=%s tenant=%s action=%s resource=%s outcome=%s", (Object[]) values);
        } finally {
            for (String field : FIELDS) {
                MDC.remove(field);
            }
        }
    }
}
