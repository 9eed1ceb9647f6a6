#!/usr/bin/env bash
# Serving benchmark: the inference-service (DJL TensorFlow engine behind gRPC) on a model the trainer
# exported, against baselines measured in the same run (see bench/README.md for the goals):
#   1. TensorFlow's session options, each in a JVM of its own: in-process forward pass latency by
#      signature, batch-32 throughput from one and two threads, CPU per pass (the table in bench/README.md);
#   2. the service with batching: baselines (in-process forward and stateful step, a no-op RPC), then
#      Predict at 1, 8, 32, 64 clients and Generate at 1 client: P3a, P3c, P3d;
#   3. the service restarted with batching off (max-batch-size 1): requests/s at 32 clients against
#      the batching service's: P3b.
# The model: MODEL=<training job name>, default the newest demo-lstm-* (run ./lmforge demo first).
# Usage: bench/inference.sh [SECONDS per level, default 10]. Results also go to bench/out/inference.txt;
# the last lines are one per goal: "P3a <measured> <goal> met" (or "not met").
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../infra/infra.sh
source "$ROOT/infra/infra.sh"
SECONDS_PER_LEVEL=${1:-10}
PORT=18105
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
MODELS="$LMFORGE_HOME/s3/data/lmforge/training-jobs"
MODEL=${MODEL:-$(ls -t "$MODELS" 2>/dev/null | grep '^demo-lstm-' | head -n 1 || true)}
[ -n "$MODEL" ] && [ -f "$MODELS/$MODEL/model/manifest.json" ] || die "no model to serve: run ./lmforge demo first, or set MODEL=<training job>"

"$ROOT/mvnw" -q -B install -DskipTests -pl proto,common,inference-service,bench,cli -am
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$(cat "$ROOT/bench/target/classpath.txt")"
export TENSORFLOW_LIBRARY_PATH="$ROOT/inference-service/target/tensorflow-natives"

infra_up
infra_env
tls_init inference-service
mapfile -t TLS < <(tls_env inference-service)
# After the certificates: the CLI that makes the identities trusts the local CA.
auth_init
mapfile -t AUTH < <(auth_env inference-service)
# Over TLS as ./lmforge up runs it (InferenceBench trusts LMFORGE_TLS_CA); ready on its management port.
# The session options the service runs with (its defaults, InferenceConfig), passed to the in-process baselines too.
INTRA=${INTRA:-1} INTER=${INTER:--1} SPINNING=${SPINNING:-false}
service() {
  (
    tls_password_env
    start_process bench-inference env "${AUTH[@]}" "${TLS[@]}" QUARKUS_HTTP_PORT=$PORT QUARKUS_MANAGEMENT_PORT="$(management_port $PORT)" \
      LMFORGE_INFERENCE_SESSION_INTRA_OP_THREADS=$INTRA LMFORGE_INFERENCE_SESSION_INTER_OP_THREADS=$INTER \
      LMFORGE_INFERENCE_SESSION_THREAD_SPINNING=$SPINNING "$@" \
      java -Xmx1g -XX:+UseSerialGC -jar "$ROOT/inference-service/target/quarkus-app/quarkus-run.jar"
  )
  wait_for bench-inference 120 http_ok "$(management_port $PORT)" /q/health/ready
}
trap 'stop_process bench-inference' EXIT
bench() { java -Xmx1g -XX:+UseSerialGC -Dai.djl.offline=true -cp "$CP" dev.lmforge.bench.InferenceBench "$@"; }

{
  echo "== inference benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $SECONDS_PER_LEVEL s per level"
  echo "-- TensorFlow session options, in process (ms; requests/s; CPU cores busy during a batch-32 pass)"
  echo "| intra-op | inter-op | spinning | next_token p50 | its CPU ms | after 1 ms idle | serving_default p50 | batch 1, 2 threads, req/s | batch 32, 1 thread, req/s | batch 32, 2 threads, req/s | cores busy |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  # TensorFlow's own choice (DJL's default: pools as large as the machine, spinning), then the candidates.
  for options in "0 0 true" "2 -1 true" "2 -1 false" "1 -1 true" "1 -1 false"; do
    # shellcheck disable=SC2086
    bench forward "$MODELS/$MODEL/model" $options
  done | tee "$OUT/inference-options.tmp"
  # What batching can gain at most: the model's own speed-up from batch 1 to batch 32 (both from two threads, the service's options).
  spin=$([ "$SPINNING" = true ] && echo on || echo off)
  awk -F'|' -v intra="$INTRA" -v inter="$INTER" -v spin="$spin" \
    '$2 + 0 == intra && $3 + 0 == inter && $4 ~ spin { printf "in process, batch 32 / batch 1 from two threads: %.2fx requests/s (the most batching can give this model here)\n", $11 / $9 }' \
    "$OUT/inference-options.tmp"
  rm -f "$OUT/inference-options.tmp"
  echo "-- the service with batching (max 32, 2 ms), session options: intra-op $INTRA, inter-op $INTER, spinning $SPINNING"
  service LMFORGE_INFERENCE_MAX_BATCH_SIZE=32
  bench sweep "$MODELS/$MODEL/model" "$MODEL" $PORT "$(management_port $PORT)" "$SECONDS_PER_LEVEL" $INTRA $INTER $SPINNING | tee "$OUT/inference-goals.tmp"
  batched=$(bench throughput "$MODEL" $PORT "$SECONDS_PER_LEVEL" 32)
  echo "with batching (max 32, 2 ms):    $batched"
  ceiling=$(bench noop $PORT "$SECONDS_PER_LEVEL" 32)
  echo "no-op RPC (Health/Check):        $ceiling"
  stop_process bench-inference
  service LMFORGE_INFERENCE_MAX_BATCH_SIZE=1
  single=$(bench throughput "$MODEL" $PORT "$SECONDS_PER_LEVEL" 32)
  echo "without batching (max 1):        $single"
  awk -v c="$(echo "$ceiling" | awk '{print $2}')" -v b="$(echo "$single" | awk '{print $2}')" \
    'BEGIN { printf "ceiling: a no-op RPC at 32 clients / Predict without batching = %.2fx (what batching could give if it made the model free)\n", c / b }'
  echo "-- goals"
  grep -E '^P3[acd] ' "$OUT/inference-goals.tmp" | head -n 1
  awk -v a="$(echo "$batched" | awk '{print $2}')" -v b="$(echo "$single" | awk '{print $2}')" \
    'BEGIN { r = a / b; printf "P3b %.3f 6.000 %s   (requests/s at 32 clients, batching / max batch size 1)\n", r, (r >= 6 ? "met" : "not met") }'
  grep -E '^P3[cd] ' "$OUT/inference-goals.tmp"
  rm -f "$OUT/inference-goals.tmp"
} 2>&1 | grep -v "tensorflow/\|To enable the following\|CudaUtils\|JBossLoggerFinder\|LogManager accessed before" | tee "$OUT/inference.txt"
