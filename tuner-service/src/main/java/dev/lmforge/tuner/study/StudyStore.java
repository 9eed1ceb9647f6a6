package dev.lmforge.tuner.study;

import dev.lmforge.api.v1.Study;

import java.util.List;
import java.util.Optional;

/** Studies: {@code studies/{name}/study.json}, and the report's files under {@code studies/{name}/report/}. */
public interface StudyStore {

    Optional<Study> find(String name);

    void save(Study study);

    List<Study> all();

    void putReportFile(String study, String file, byte[] content);

    Optional<byte[]> reportFile(String study, String file);

    /** Where the report lies, as an S3 location. */
    dev.lmforge.api.v1.S3Location reportLocation(String study);
}
