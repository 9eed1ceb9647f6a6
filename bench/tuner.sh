#!/usr/bin/env bash
# Tuner search-strategy benchmark: Bayesian optimisation (GP-EI) against random search, measured in
# the same run (the baseline), on Branin (2-D, regret <= 0.01) and Hartmann-6 (6-D, regret <= 0.3
# and <= 0.1): median evaluations to the threshold over seeds, median final regret after the budget,
# time per suggestion at 100 observations, and batch proposals (2 and 4 in parallel) against
# sequential ones. Reference (scikit-learn GP-EI): Branin <= 0.01 in a median of 25 evaluations;
# Hartmann-6 <= 0.3 in 35, median final regret 0.0076 after 100.
# Usage: bench/tuner.sh [seeds=20] [evals=100] [batchSeeds=10] [functions=branin,hartmann6] [batch=2,4]
# Takes ~15-30 minutes on 2 cores. Results also go to bench/out/tuner.txt.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT="$ROOT/bench/out"
mkdir -p "$OUT"

# Only the two modules (no install): tuner-service's classes and the bench's classpath file.
"$ROOT/mvnw" -q -B package -pl tuner-service,bench -DskipTests -Dquarkus.build.skip=true
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/bench/target/classpath.txt")"

{
  echo "== tuner strategies benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  java -Xmx2g -XX:+UseParallelGC -cp "$CP" dev.lmforge.bench.TunerBench "$@"
} | tee "$OUT/tuner.txt"
