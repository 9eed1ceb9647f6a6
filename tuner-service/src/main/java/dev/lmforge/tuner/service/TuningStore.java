package dev.lmforge.tuner.service;

import dev.lmforge.api.v1.TuningJob;

import java.util.List;
import java.util.Optional;

/** Tuning jobs: {@code tuning-jobs/{name}/spec.json} and {@code state.json} (the TuningJob message, trials included). */
public interface TuningStore {

    Optional<TuningJob> find(String name);

    void create(TuningJob job);

    void save(TuningJob job);

    List<TuningJob> all();
}
