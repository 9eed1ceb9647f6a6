package dev.lmforge.tuner.strategy;

/** The search strategies (TuningStrategy in tuner.proto). */
public enum StrategyType {
    BAYESIAN,
    RANDOM,
    GRID,
    HYPERBAND
}
