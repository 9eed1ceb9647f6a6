#!/usr/bin/env bash
# Serving benchmark: the inference-service (DJL TensorFlow engine behind gRPC) on a model the trainer
# exported, against an in-process DJL forward pass of the same model measured in the same run.
#   1. in-process DJL at batch 1 (the baseline), then gRPC Predict at 1, 8, 32, 64 clients:
#      p50 / p99 latency and requests/s, and the gRPC overhead at one client (goal <= 1.10x);
#   2. the service restarted with batching off (max-batch-size 1): requests/s at 32 clients, and the
#      ratio batching / no batching (goal >= 4x).
# The model: MODEL=<training job name>, default the newest demo-lstm-* (run ./lmforge demo first).
# Usage: bench/inference.sh [SECONDS per level, default 10]. Results also go to bench/out/inference.txt.
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
service() {
  (
    tls_password_env
    start_process bench-inference env "${AUTH[@]}" "${TLS[@]}" QUARKUS_HTTP_PORT=$PORT QUARKUS_MANAGEMENT_PORT="$(management_port $PORT)" "$@" \
      java -Xmx1g -XX:+UseSerialGC -jar "$ROOT/inference-service/target/quarkus-app/quarkus-run.jar"
  )
  wait_for bench-inference 120 http_ok "$(management_port $PORT)" /q/health/ready
}
trap 'stop_process bench-inference' EXIT
bench() { java -Xmx1g -XX:+UseSerialGC -Dai.djl.offline=true -cp "$CP" dev.lmforge.bench.InferenceBench "$@"; }

{
  echo "== inference benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $SECONDS_PER_LEVEL s per level"
  service LMFORGE_INFERENCE_MAX_BATCH_SIZE=32
  bench sweep "$MODELS/$MODEL/model" "$MODEL" $PORT "$SECONDS_PER_LEVEL"
  batched=$(bench throughput "$MODEL" $PORT "$SECONDS_PER_LEVEL" 32)
  echo "with batching (max 32, 2 ms):    $batched"
  stop_process bench-inference
  service LMFORGE_INFERENCE_MAX_BATCH_SIZE=1
  single=$(bench throughput "$MODEL" $PORT "$SECONDS_PER_LEVEL" 32)
  echo "without batching (max 1):        $single"
  awk -v a="$(echo "$batched" | awk '{print $2}')" -v b="$(echo "$single" | awk '{print $2}')" \
    'BEGIN { printf "batching / no batching at 32 clients: %.2fx requests/s (goal >= 4x)\n", a / b }'
} 2>&1 | grep -v "tensorflow/\|To enable the following\|CudaUtils" | tee "$OUT/inference.txt"
