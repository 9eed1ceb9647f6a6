package dev.lmforge.tuner.service;

import dev.lmforge.api.v1.TuningJob;

import java.util.List;
import java.util.Optional;

/**
 * Tuning jobs, apart per tenant: {@code tuning-jobs/{name}/spec.json} and {@code state.json} (the
 * TuningJob message, trials included) in each tenant's layout.
 */
public interface TuningStore {

    Optional<TuningJob> find(String tenant, String name);

    void create(String tenant, TuningJob job);

    void save(String tenant, TuningJob job);

    List<TuningJob> all(String tenant);

    /** The tenants that may have tuning jobs (the default one first), for what runs on after a restart. */
    List<String> tenants();
}
