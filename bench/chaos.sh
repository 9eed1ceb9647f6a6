#!/usr/bin/env bash
# Chaos suite: the pipeline (ingest -> dataset -> 2 training jobs -> a 6-trial tuning job -> serving
# under load from 4 clients) while its parts die: SIGKILL of the trainer, the tuner and the inference
# service (and in a full run of the preprocess-service during an upload and the tokenizer-service
# during a build), a broker restart and an S3 outage during training. Each part is restarted with
# ./lmforge up. Checks: every job completes exactly once (one model.ready each, exactly 6 trials), no
# model visible without its manifest, no client call hangs. See bench/src/.../ChaosSuite.java.
# Usage: bench/chaos.sh [full|reduced] [RUNS, default 1] [SEED]. ./lmforge test runs one reduced run.
# Starts the platform if it is not running (and stops it after). Results: bench/out/chaos.txt.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../infra/infra.sh
source "$ROOT/infra/infra.sh"
MODE=${1:-full}
RUNS=${2:-1}
SEED=${3:-$RANDOM}
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
case "$MODE" in full | reduced) ;; *) die "usage: bench/chaos.sh [full|reduced] [RUNS] [SEED]" ;; esac

[ -f "$ROOT/bench/target/classpath.txt" ] || "$ROOT/mvnw" -q -B install -DskipTests
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/bench/target/classpath.txt")"
corpus="$LMFORGE_HOME/demo/chaos.txt"
head -n 12000 "$(demo_corpus)" >"$corpus"

# Leaves running what ran before: stops the services (and the infrastructure) only if it started them.
services_before=""; infra_before=""
running tuner-service && services_before=yes
running kafka && infra_before=yes
cleanup() {
  if [ -z "$services_before" ]; then
    for s in console inference-service tuner-service trainer-service tokenizer-service preprocess-service; do stop_process "$s"; done
  fi
  [ -n "$infra_before" ] || infra_down
}
trap cleanup EXIT
"$ROOT/lmforge" up >/dev/null
infra_env
client_ports_env

passed=0
for ((i = 1; i <= RUNS; i++)); do
  say "chaos run $i of $RUNS ($MODE, seed $((SEED + i)))"
  if java -Xmx512m -XX:+UseSerialGC -cp "$CP" dev.lmforge.bench.ChaosSuite "$ROOT" "$corpus" "$MODE" $((SEED + i)) 2>&1 \
    | grep --line-buffered -v "^SLF4J\|log4j" | tee -a "$OUT/chaos.txt"; then
    passed=$((passed + 1))
  fi
done
echo "chaos: $passed of $RUNS runs passed" | tee -a "$OUT/chaos.txt"
[ "$passed" -eq "$RUNS" ]
