package dev.lmforge.tuner.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "lmforge.tuner")
public interface TunerConfig {

    /** How often running tuning jobs look at their trials (events wake them sooner). */
    @WithDefault("2s")
    String tickInterval();

    @WithDefault("30s")
    Duration eventAckTimeout();

    /** Median rule: how many earlier trials must have reached an epoch before a trial is judged at it. */
    @WithDefault("3")
    int medianRuleMinTrials();

    /** How often a running study looks at its datasets and jobs. */
    @WithDefault("3s")
    Duration studyPollInterval();
}
