package dev.lmforge.tuner.study;

import dev.lmforge.api.v1.Study;

import java.util.List;
import java.util.Optional;

/**
 * Studies, apart per tenant: {@code studies/{name}/study.json}, and the report's files under
 * {@code studies/{name}/report/}, in each tenant's layout.
 */
public interface StudyStore {

    Optional<Study> find(String tenant, String name);

    void save(String tenant, Study study);

    List<Study> all(String tenant);

    /** The tenants that may have studies (the default one first), for what runs on after a restart. */
    List<String> tenants();

    void putReportFile(String tenant, String study, String file, byte[] content);

    Optional<byte[]> reportFile(String tenant, String study, String file);

    /** Where the report lies, as an S3 location. */
    dev.lmforge.api.v1.S3Location reportLocation(String tenant, String study);
}
