package dev.lmforge.common.store;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

@ConfigMapping(prefix = "lmforge.s3")
public interface StoreConfig {

    /** The bucket that holds every artifact of the platform. */
    @WithDefault("lmforge")
    String bucket();

    /** A key prefix under which the platform keeps its artifacts, for a bucket shared with others. */
    Optional<String> prefix();

    /** Creates the bucket at start-up when it is missing (local installs). */
    @WithDefault("true")
    boolean createBucket();
}
