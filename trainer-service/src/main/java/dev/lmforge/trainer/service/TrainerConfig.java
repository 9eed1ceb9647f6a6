package dev.lmforge.trainer.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "lmforge.trainer")
public interface TrainerConfig {

    /** This trainer's name in leases and job records (defaults to host name and process id). */
    Optional<String> id();

    /** Largest estimated model memory (parameters, optimizer state, activations) a job may need. */
    @WithDefault("8589934592")
    long maxModelBytes();

    /** Seconds between checkpoints when a job does not say. */
    @WithDefault("60")
    int checkpointIntervalSeconds();

    /** How often a running job writes its progress to status.json (what Watch and Describe show). */
    @WithDefault("2s")
    Duration statusInterval();

    /** How often a running job looks for a stop request and renews its lease. */
    @WithDefault("5s")
    Duration leaseRenewal();

    /** A lease not renewed for this long belongs to a dead trainer: another may take the job over. */
    @WithDefault("20s")
    Duration leaseExpiry();

    /** A job whose trainer died this many times while running it fails instead of being taken again. */
    @WithDefault("3")
    int maxCrashes();

    /** How many WatchTrainingJob streams this trainer serves at once (each holds a worker thread). */
    @WithDefault("64")
    int maxWatches();

    /** cpu or gpu: where this trainer runs models. */
    @WithDefault("cpu")
    String device();

    /**
     * cpu or gpu: the jobs this trainer takes, by their {@code resource} (see {@link TrainingJobs#deviceClass});
     * its device unless configured apart. Each class is a consumer group of its own on
     * train.requested (application.properties), which sees every request and runs its own class's only.
     */
    String deviceClass();

    /**
     * The class of a job whose resource is unspecified: cpu, or gpu where every trainer is a GPU one
     * (the gpu overlay). All trainers of a platform must agree on it, or such a job runs in two classes.
     */
    @WithDefault("cpu")
    String defaultDeviceClass();

    /** How long a job waits for Kafka to acknowledge its events. */
    @WithDefault("30s")
    Duration eventAckTimeout();
}
